/** The simulator's transports that tests use on their own (`@shelfwatch/firmware-sim/transports`). */
export { startPtyPair, type PtyPair } from './pty-pair.js';
export { createCertificateManager, startOpcuaServer, type OpcuaServerHandle, type OpcuaServerOptions } from './opcua-server.js';
