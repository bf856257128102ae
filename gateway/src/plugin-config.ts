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
  mqtt: MqttConfig,
  serial: SerialConfig,
  opcua: OpcuaConfig,
  influx: InfluxConfig,
  backend: BackendConfig,
};
