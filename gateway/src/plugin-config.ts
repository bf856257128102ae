import { MqttConfig } from './inputs/mqtt/config.js';
import { OpcuaConfig } from './inputs/opcua/config.js';
import { SerialConfig } from './inputs/serial/config.js';
import { BackendConfig } from './sinks/backend/config.js';
import { InfluxConfig } from './sinks/influx/config.js';

/**
 * The configuration sections the inputs and sinks own, one line each: every plugin folder
 * holds its fragment (config.ts) and a sample of its section (sample.json).
 */
export const PLUGIN_SECTIONS = {
  // An input runs when its section is present.
  mqtt: MqttConfig.optional(),
  serial: SerialConfig.optional(),
  opcua: OpcuaConfig.optional(),
  // Both sinks are required: every reading goes to InfluxDB and to the backend, each with its outbox cursor.
  influx: InfluxConfig,
  backend: BackendConfig,
};
