import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the gateway's OPC UA trust list lives: certificates (DER or PEM) of the controllers it may talk to. */
export function trustedCertificatesDir(pkiDir: string): string {
  return path.join(pkiDir, 'client', 'trusted', 'certs');
}

/**
 * Places a controller's certificate in the gateway's trust list: what an operator does
 * by hand after checking it, and what the simulated store's orchestration does for its
 * own controllers.
 */
export async function addToTrustList(pkiDir: string, name: string, der: Buffer): Promise<string> {
  const dir = trustedCertificatesDir(pkiDir);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.der`);
  await writeFile(file, der);
  return file;
}
