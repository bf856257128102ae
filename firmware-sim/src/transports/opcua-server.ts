import path from 'node:path';
import getPort from 'get-port';
import { OPCUACertificateManager, OPCUAServer, type AddressSpace, type MessageSecurityMode, type Namespace, type SecurityPolicy } from 'node-opcua';

/**
 * node-opcua keeps certificates under ~/.config by default; the simulator and tests
 * give every server and client its own folder so runs never share or leak PKI state.
 */
export async function createCertificateManager(rootFolder: string): Promise<OPCUACertificateManager> {
  const manager = new OPCUACertificateManager({ rootFolder, automaticallyAcceptUnknownCertificate: true });
  await manager.initialize();
  return manager;
}

export interface OpcuaServerHandle {
  server: OPCUAServer;
  port: number;
  endpointUrl: string;
  /** The server's application certificate (DER), kept across restarts: what a client must trust. */
  certificate(): Buffer;
  /** Shuts the server down; start() brings up a fresh one on the same port (a controller reboot). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface OpcuaServerOptions {
  port?: number;
  /** Builds the address space: called on every (re)start. */
  configure?: (addressSpace: AddressSpace, namespace: Namespace) => void | Promise<void>;
  /** The server's certificates (kept across restarts, so clients that trust it still do). */
  pkiDir: string;
  /**
   * Advertise MinSupportedSampleRate 0 (exception-based acquisition): every value change
   * is reported instead of being coalesced over a 50 ms window. A controller whose values
   * are its samples (the simulator's, at any speed) wants this; default true.
   */
  exceptionBased?: boolean;
  /**
   * user name → password. When given, sessions must log in with one of them and anonymous
   * sessions are refused, as a case controller in a store should be configured.
   */
  users?: Record<string, string>;
  /** Restricts the endpoints (node-opcua offers None, Sign and SignAndEncrypt with every policy by default). */
  securityModes?: MessageSecurityMode[];
  securityPolicies?: SecurityPolicy[];
}

/** A node-opcua server on 127.0.0.1 (a case controller's, or any a test needs). */
export async function startOpcuaServer(options: OpcuaServerOptions): Promise<OpcuaServerHandle> {
  const { pkiDir } = options;
  // node-opcua advertises its port in its endpoints before it listens, so it cannot listen on 0 and report back.
  const port = options.port ?? (await getPort({ host: '127.0.0.1' }));
  let server: OPCUAServer | undefined;

  const start = async () => {
    const serverCertificateManager = await createCertificateManager(path.join(pkiDir, 'server'));
    const userCertificateManager = await createCertificateManager(path.join(pkiDir, 'user'));
    const s = new OPCUAServer({
      port,
      host: '127.0.0.1',
      hostname: '127.0.0.1',
      serverCertificateManager,
      userCertificateManager,
      maxConnectionsPerEndpoint: 50,
      ...(options.securityModes ? { securityModes: options.securityModes } : {}),
      ...(options.securityPolicies ? { securityPolicies: options.securityPolicies } : {}),
      ...(options.exceptionBased === false ? {} : { serverCapabilities: { minSupportedSampleRate: 0 } }),
      ...(options.users
        ? {
            allowAnonymous: false,
            userManager: { isValidUser: (userName: string, password: string) => options.users?.[userName] === password },
          }
        : {}),
    });
    await s.initialize();
    const addressSpace = s.engine.addressSpace;
    if (!addressSpace) throw new Error('OPC UA server has no address space');
    await options.configure?.(addressSpace, addressSpace.getOwnNamespace());
    await s.start();
    server = s;
  };

  await start();
  const handle: OpcuaServerHandle = {
    get server() {
      if (!server) throw new Error('OPC UA server is stopped');
      return server;
    },
    port,
    endpointUrl: `opc.tcp://127.0.0.1:${port}`,
    certificate: () => {
      if (!server) throw new Error('OPC UA server is stopped');
      return Buffer.from(server.getCertificate());
    },
    start,
    async stop() {
      const s = server;
      server = undefined;
      await s?.shutdown(0);
    },
  };
  return handle;
}
