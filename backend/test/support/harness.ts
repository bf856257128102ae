import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, type TempDir } from '@shelfwatch/test-support';
import type { StoreLayout } from '@shelfwatch/contracts';
import { pino } from 'pino';
import { parseBackendConfig, type BackendConfig, type BackendConfigInput } from '../../src/config.js';
import { startBackend, type Backend, type StartBackendOptions } from '../../src/backend.js';
import { fixtureLayout } from './fixture-layout.js';

export const TOKENS = {
  staff: 'staff-c430c64db24fb078145c4f278412a0bd',
  ops: 'ops-9aaf32ca35435549f2224eb03b5985ae',
  device: 'device-96e63f2f49e1dc72321f0bd6f0e2d592',
  dairy: 'dairyco-821221fb37af87f18430f952d3e8cd2b',
  bakery: 'bakery-6348cfea7c0c230810e68ab5149bafdc',
  otherStoreStaff: 'other-staff-cc15a3d39ecbe28f0ec6d9ce57aa24dc',
  /** A device token not bound to stores (e.g. a chain-wide bridge). */
  anyDevice: 'any-device-0c85570297e556f8e3a78e5db3bed40f',
};

export const SECRETS = {
  dairyco: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  bakery: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
};

export interface Harness {
  dir: TempDir;
  config: BackendConfig;
  backend: Backend;
  start(opts?: StartBackendOptions): Promise<Backend>;
  stop(): Promise<void>;
  // Response bodies are whatever the server sent; tests check their shape with expect().
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  req(method: string, urlPath: string, opts?: { token?: string; body?: unknown; text?: string; contentType?: string }): Promise<{ status: number; body: any }>;
}

export async function makeHarness(opts: { layout?: StoreLayout; config?: Partial<BackendConfigInput>; webhookUrl?: (supplierId: string) => string } = {}): Promise<Harness> {
  const dir = await makeTempDir('backend');
  const layoutFile = path.join(dir.path, 'layout.json');
  await writeFile(layoutFile, JSON.stringify(opts.layout ?? fixtureLayout()));
  const config = parseBackendConfig({
    http: { host: '127.0.0.1', port: 0 },
    dbPath: path.join(dir.path, 'backend.sqlite'),
    layoutFiles: [layoutFile],
    tokens: [
      { token: TOKENS.staff, role: 'staff', subject: 'alice' },
      { token: TOKENS.ops, role: 'operations', subject: 'olga' },
      { token: TOKENS.device, role: 'device', subject: 'gw-1', storeIds: ['store-1'] },
      { token: TOKENS.dairy, role: 'supplier', subject: 'dairyco' },
      { token: TOKENS.bakery, role: 'supplier', subject: 'bakery' },
      { token: TOKENS.otherStoreStaff, role: 'staff', subject: 'bob', storeIds: ['store-2'] },
      { token: TOKENS.anyDevice, role: 'device', subject: 'bridge-1' },
    ],
    suppliers: {
      dairyco: { webhookUrl: opts.webhookUrl?.('dairyco') ?? 'http://127.0.0.1:9/dairyco', webhookSecret: SECRETS.dairyco },
      bakery: { webhookUrl: opts.webhookUrl?.('bakery') ?? 'http://127.0.0.1:9/bakery', webhookSecret: SECRETS.bakery },
    },
    // The tests' webhook receivers listen on loopback: allowed explicitly, as in the demo.
    webhooks: { allowPrivateNetworks: ['127.0.0.0/8'] },
    ...opts.config,
  });
  const h: Harness = {
    dir,
    config,
    backend: undefined as unknown as Backend,
    async start(startOpts: StartBackendOptions = {}) {
      h.backend = await startBackend(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...startOpts });
      return h.backend;
    },
    async stop() {
      await h.backend?.close();
    },
    async req(method, urlPath, o = {}) {
      const headers: Record<string, string> = {};
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined;
      if (o.text !== undefined) {
        body = o.text;
        headers['content-type'] = o.contentType ?? 'text/csv';
      } else if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${h.backend.url}${urlPath}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (metrics)
      }
      return { status: res.status, body: parsed };
    },
  };
  return h;
}
