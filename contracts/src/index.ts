export * from './ids.js';
export * from './serial-frame.js';
export * from './mqtt-topics.js';
export * from './opcua-layout.js';
export * from './readings.js';
export * from './store-layout.js';
export * from './influx-schema.js';
export * from './tasks.js';
