import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { fixtureLayout } from './fixture-layout.js';
import { SECRETS, TOKENS } from './harness.js';

/**
 * Writes the fixture stores' layouts and a backend config on PostgreSQL into `dir` (the
 * connection string comes from SHELFWATCH_DATABASE_URL, as a deployment passes it) and returns
 * the config file. `extra` adds or replaces top-level settings.
 */
export async function writePostgresBackendConfig(dir: string, storeIds: readonly string[], extra: Record<string, unknown> = {}): Promise<string> {
  for (const storeId of storeIds) await writeFile(path.join(dir, `${storeId}.json`), JSON.stringify(fixtureLayout(storeId)));
  const configFile = path.join(dir, 'backend.json');
  await writeFile(
    configFile,
    JSON.stringify({
      http: { host: '127.0.0.1', port: 0 },
      storage: { kind: 'postgres' },
      layoutFiles: storeIds.map((s) => `${s}.json`),
      tokens: [
        { token: TOKENS.staff, role: 'staff', subject: 'alice' },
        { token: TOKENS.device, role: 'device', subject: 'gw-1', storeIds },
      ],
      // Nothing listens there: a webhook stays pending, which is all these tests need.
      suppliers: { dairyco: { webhookUrl: 'http://127.0.0.1:9/dairyco', webhookSecret: SECRETS.dairyco } },
      webhooks: { allowPrivateNetworks: ['127.0.0.0/8'] },
      ...extra,
    }),
  );
  return configFile;
}

/** Calls the backend's API at `baseUrl` as `token`; expects 200 and returns the JSON body. */
export async function callApi(baseUrl: string, method: string, route: string, token: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} ${route}`).toBe(200);
  return res.json();
}
