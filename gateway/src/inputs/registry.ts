import type { GatewayConfig } from '../config.js';
import type { Input, InputContext } from './input.js';
import { EmbeddedBrokerInput } from './mqtt/embedded-broker-input.js';
import { ExternalClientInput } from './mqtt/external-client-input.js';
import { OpcuaInput } from './opcua/opcua-input.js';
import type { CalibrationStore } from './serial/calibration-store.js';
import { SerialInput } from './serial/serial-input.js';

export interface InputFactoryArgs {
  config: GatewayConfig;
  context: InputContext;
  calibrations: CalibrationStore;
}

/** One line per input. */
export const INPUTS: Record<string, (args: InputFactoryArgs) => Input> = {
  serial: ({ config, context, calibrations }) => new SerialInput({ context, boards: config.serial.boards, calibrations }),
  mqtt: ({ config, context }) =>
    config.mqtt.mode === 'embedded'
      ? new EmbeddedBrokerInput({
          context,
          host: config.mqtt.host,
          port: config.mqtt.plaintext ? config.mqtt.port : undefined,
          ...(config.mqtt.tls ? { tls: config.mqtt.tls } : {}),
          maxPacketBytes: config.mqtt.maxPacketBytes,
          maxConnectionsPerDevice: config.mqtt.maxConnectionsPerDevice,
          maxSubscriptionsPerDevice: config.mqtt.maxSubscriptionsPerDevice,
        })
      : new ExternalClientInput({ context, gatewayId: config.gatewayId, url: config.mqtt.url, username: config.mqtt.username, password: config.mqtt.password }),
  opcua: ({ config, context }) => new OpcuaInput({ context, controllers: config.opcua.controllers, pkiDir: config.opcua.pkiDir, securityPolicy: config.opcua.securityPolicy }),
};
