import { X509Certificate } from 'node:crypto';
import { OPCUACertificateManager, StatusCodes, type StatusCode } from 'node-opcua';

/**
 * The gateway's OPC UA PKI under `<opcua.pkiDir>/client` (node-opcua keeps it under
 * ~/.config by default): its own client certificate, and the trust list. A controller
 * certificate is trusted only when an operator has placed it in `trusted/certs`; one
 * that is not lands in `rejected/`, from where it can be moved after checking it.
 */
export async function createCertificateManager(rootFolder: string): Promise<OPCUACertificateManager> {
  const manager = new OPCUACertificateManager({ rootFolder, automaticallyAcceptUnknownCertificate: false });
  await manager.initialize();
  return manager;
}

/** SHA-1 thumbprint of a DER certificate (the first of a chain), lowercase hex: what OPC UA tools show. */
export function thumbprintOf(der: Buffer): string {
  return new X509Certificate(der).fingerprint.replace(/:/g, '').toLowerCase();
}

export interface RefusedCertificate {
  thumbprint: string;
  subject: string;
  /** Why: BadCertificateUntrusted, ...Invalid, ...TimeInvalid, or "pinned thumbprint differs". */
  reason: string;
}

/**
 * The certificate check of one controller's client: a controller pinned by thumbprint in
 * the config is accepted with exactly that certificate and no other; an unpinned one
 * with a certificate the trust list holds. Every refusal is reported with the
 * certificate's thumbprint, so the operator can find it. Everything else (the client's
 * own certificate and key) is the shared manager's.
 */
export function controllerTrust(manager: OPCUACertificateManager, pinnedThumbprint: string | undefined, onRefused: (c: RefusedCertificate) => void): OPCUACertificateManager {
  const check = async (chain: Buffer | Buffer[]): Promise<StatusCode> => {
    const leaf = Array.isArray(chain) ? chain[0]! : chain;
    const thumbprint = thumbprintOf(leaf);
    const subject = new X509Certificate(leaf).subject.replace(/\n/g, ', ');
    if (pinnedThumbprint !== undefined && thumbprint !== pinnedThumbprint) {
      onRefused({ thumbprint, subject, reason: `not the pinned certificate ${pinnedThumbprint}` });
      return StatusCodes.BadCertificateUntrusted;
    }
    const status = await manager.checkCertificate(chain);
    // Pinned: trusted whatever the trust list holds, but still a valid certificate (dates, signature).
    if (pinnedThumbprint !== undefined && status.equals(StatusCodes.BadCertificateUntrusted)) return StatusCodes.Good;
    if (!status.isGood()) onRefused({ thumbprint, subject, reason: status.name });
    return status;
  };
  return new Proxy(manager, {
    get(target, prop) {
      if (prop === 'checkCertificate') return check;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
