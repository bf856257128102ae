export * from './ports.js';
export * from './temp-dir.js';
export * from './wait.js';
export * from './processes.js';
export * from './influxd.js';
export * from './aedes-broker.js';
export * from './socat-pair.js';
export * from './opcua-server.js';
