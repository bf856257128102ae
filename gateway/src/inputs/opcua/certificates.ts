import { OPCUACertificateManager } from 'node-opcua';

/**
 * node-opcua keeps its PKI under ~/.config by default; the gateway keeps it in the
 * configured folder so deployments and tests never share or leak certificate state.
 */
export async function createCertificateManager(rootFolder: string): Promise<OPCUACertificateManager> {
  const manager = new OPCUACertificateManager({ rootFolder, automaticallyAcceptUnknownCertificate: true });
  await manager.initialize();
  return manager;
}
