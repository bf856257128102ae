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

/** One line per input; an input runs when its config section is present (undefined otherwise). */
export const INPUTS: Record<string, (args: InputFactoryArgs) => Input | undefined> = {
  serial: ({ config: { serial }, context, calibrations }) => serial && new SerialInput({ context, boards: serial.boards, calibrations }),
  mqtt: ({ config: { mqtt, gatewayId }, context }) =>
    mqtt &&
    (mqtt.mode === 'embedded'
      ? new EmbeddedBrokerInput({
          context,
          host: mqtt.host,
          port: mqtt.plaintext ? mqtt.port : undefined,
          ...(mqtt.tls ? { tls: mqtt.tls } : {}),
          maxPacketBytes: mqtt.maxPacketBytes,
          maxConnectionsPerDevice: mqtt.maxConnectionsPerDevice,
          maxSubscriptionsPerDevice: mqtt.maxSubscriptionsPerDevice,
        })
      : new ExternalClientInput({ context, gatewayId, url: mqtt.url, username: mqtt.username, password: mqtt.password })),
  opcua: ({ config: { opcua }, context }) => opcua && new OpcuaInput({ context, controllers: opcua.controllers, pkiDir: opcua.pkiDir, securityPolicy: opcua.securityPolicy, publishingIntervalMs: opcua.publishingIntervalMs }),
};
