import type { Reading, Task } from '@shelfwatch/contracts';
import { makeTempDir, startPostgres, startService, type ManagedProcess, type PostgresHandle, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from './support/harness.js';
import { callApi, writePostgresBackendConfig } from './support/postgres-backend.js';
import { storeMinutes, RECENT_T0 } from './support/readings.js';

const T0 = RECENT_T0;

const minutes = (from: number, to: number, o: { units: number }): Reading[] => storeMinutes(T0, from, to, o);

describe('backend process on PostgreSQL', () => {
  let pg: PostgresHandle;
  let dir: TempDir;
  let configFile: string;
  let databaseUrl: string;
  let proc: ManagedProcess | undefined;
  let url = '';

  const start = async () => {
    // The connection string comes from the environment, as a deployment passes it.
    const service = await startService('backend', configFile, { env: { SHELFWATCH_DATABASE_URL: databaseUrl } });
    proc = service.proc;
    url = service.ready.url;
  };
  const stop = async () => {
    proc?.child.kill('SIGTERM');
    expect(await proc?.exited).toEqual({ code: 0, signal: null });
  };
  const call = (method: string, route: string, token: string, body?: unknown) => callApi(url, method, route, token, body);
  const ingest = (readings: Reading[]) => call('POST', '/api/v1/ingest', TOKENS.device, { gatewayId: 'gw-1', readings });
  const tasks = async () => ((await call('GET', '/api/v1/tasks', TOKENS.staff)) as { tasks: Task[] }).tasks;

  beforeAll(async () => {
    [pg, dir] = await Promise.all([startPostgres(), makeTempDir('backend-pg')]);
    databaseUrl = await pg.createDatabase();
    configFile = await writePostgresBackendConfig(dir.path, ['store-1']);
  });
  afterAll(async () => {
    await proc?.stop();
    await pg?.stop();
    await dir?.remove();
  });

  it('ingests a store’s readings into tasks, and after a restart rebuilds its rule state without duplicating a task', async () => {
    await start();
    // Emptied at minute 1; both sensors agree for three minutes; minute 5 settles minute 4.
    const batch = [...minutes(0, 0, { units: 10 }), ...minutes(1, 5, { units: 0 })];
    expect(await ingest(batch)).toEqual({ accepted: batch.length, duplicates: 0, rejected: 0 });
    expect(await ingest(batch)).toEqual({ accepted: 0, duplicates: batch.length, rejected: 0 });
    const before = await tasks();
    const outOfStock = before.filter((t) => t.kind === 'out_of_stock');
    expect(outOfStock).toMatchObject([{ storeId: 'store-1', status: 'open', location: { slotId: 'slot-3b-1' } }]);

    await stop();
    await start();
    expect(await tasks()).toEqual(before);
    // The batch is still known by its ids, and the rebuilt rules still see the empty shelf.
    expect(await ingest(batch)).toEqual({ accepted: 0, duplicates: batch.length, rejected: 0 });
    await ingest(minutes(6, 7, { units: 0 }));
    expect((await tasks()).filter((t) => t.kind === 'out_of_stock')).toMatchObject([{ id: outOfStock[0]?.id, status: 'open' }]);
    // ...and a restock resolves that same task.
    await ingest(minutes(8, 10, { units: 12 }));
    expect((await tasks()).filter((t) => t.kind === 'out_of_stock')).toMatchObject([{ id: outOfStock[0]?.id, status: 'resolved' }]);
    await stop();
  });
});
