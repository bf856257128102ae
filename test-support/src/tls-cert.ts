import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSignedCert {
  certFile: string;
  keyFile: string;
  /** PEM of the certificate, for a client's trust store (`ca`). */
  cert: Buffer;
}

/**
 * A throwaway self-signed TLS certificate for loopback (P-256, two days), made with
 * openssl into `dir` at test or demo time: private keys are never committed.
 */
export async function makeSelfSignedCert(dir: string, name = 'server'): Promise<SelfSignedCert> {
  const certFile = path.join(dir, `${name}.cert.pem`);
  const keyFile = path.join(dir, `${name}.key.pem`);
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2',
    '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { certFile, keyFile, cert: await readFile(certFile) };
}
