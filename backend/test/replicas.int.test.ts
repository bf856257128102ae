import type { Reading, Task } from '@shelfwatch/contracts';
import { makeTempDir, startPostgres, startService, waitUntil, type ManagedProcess, type PostgresHandle, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from './support/harness.js';
import { callApi, writePostgresBackendConfig } from './support/postgres-backend.js';
import { SseClient } from './support/sse-client.js';
import { RECENT_T0, storeMinutes } from './support/readings.js';

const STORES = ['store-1', 'store-2', 'store-3', 'store-4'];

/** The fixture store's minutes, as another store's devices report them. */
const minutes = (storeId: string, from: number, to: number, units: number): Reading[] =>
  storeMinutes(RECENT_T0, from, to, { units }).map((r) => ({ ...r, storeId, id: `${storeId}/${r.id}` }));

interface Replica {
  proc: ManagedProcess;
  url: string;
}

describe('backend replicas on one PostgreSQL', () => {
  let pg: PostgresHandle;
  let dir: TempDir;
  let configFile: string;
  let databaseUrl: string;
  const replicas: Replica[] = [];

  const start = async (): Promise<Replica> => {
    const service = await startService('backend', configFile, { env: { SHELFWATCH_DATABASE_URL: databaseUrl } });
    const r = { proc: service.proc, url: service.ready.url };
    replicas.push(r);
    return r;
  };
  const call = (r: Replica, method: string, route: string, token: string, body?: unknown) => callApi(r.url, method, route, token, body);
  const storesOf = async (r: Replica) => ((await call(r, 'GET', '/healthz', TOKENS.staff)) as { stores: string[] }).stores.sort();
  const ingest = (r: Replica, readings: Reading[]) => call(r, 'POST', '/api/v1/ingest', TOKENS.device, { gatewayId: 'gw-1', readings });
  const follow = (r: Replica, lastEventId?: number) =>
    SseClient.open(`${r.url}/api/v1/alerts/stream`, { authorization: `Bearer ${TOKENS.staff}`, ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) });
  const outOfStock = async (r: Replica, storeId: string) =>
    ((await call(r, 'GET', `/api/v1/tasks?kind=out_of_stock&store=${storeId}`, TOKENS.staff)) as { tasks: Task[] }).tasks.filter((t) => t.storeId === storeId);

  beforeAll(async () => {
    [pg, dir] = await Promise.all([startPostgres(), makeTempDir('backend-replicas')]);
    databaseUrl = await pg.createDatabase();
    // Short leases: the takeover below comes within seconds, not the default's 20.
    configFile = await writePostgresBackendConfig(dir.path, STORES, { replica: { leaseMs: 2000 } });
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.proc.stop()));
    await pg?.stop();
    await dir?.remove();
  });

  it('splits the stores, runs a store’s rules on its replica whichever one ingests, feeds every replica, and takes over a killed one', async () => {
    const [a, b] = [await start(), await start()];
    // Each store on exactly one replica, half each once both have had their rounds.
    const split = await waitUntil(
      async () => {
        const [onA, onB] = [await storesOf(a), await storesOf(b)];
        return onA.length === 2 && onB.length === 2 && [...onA, ...onB].sort().join() === STORES.join() ? { onA, onB } : null;
      },
      { what: 'the stores split between the replicas', timeoutMs: 30_000 },
    );
    const storeOfA = split.onA[0]!;
    const feedOnB = await follow(b);

    // B accepts the readings of A's store; A's rules raise the task; B's feed carries it.
    const emptied = [...minutes(storeOfA, 0, 0, 10), ...minutes(storeOfA, 1, 5, 0)];
    expect(await ingest(b, emptied)).toEqual({ accepted: emptied.length, duplicates: 0, rejected: 0 });
    const [raised] = await waitUntil(async () => ((await outOfStock(b, storeOfA)).length === 1 ? outOfStock(b, storeOfA) : null), { what: 'the task raised by the store’s replica' });
    await feedOnB.nextTask((e) => e.task.id === raised!.id && e.type === 'raised');
    // The shelf's live view is A's engine state, answered through B.
    const shelf = (await call(b, 'GET', `/api/v1/stores/${storeOfA}/shelves/shelf-3b`, TOKENS.staff)) as { storeId: string; slots: { slotId: string; unitsByWeight: number | null }[] };
    expect(shelf.storeId).toBe(storeOfA);
    expect(shelf.slots.find((s) => s.slotId === 'slot-3b-1')?.unitsByWeight).toBe(0);
    // The same batch through A is recognised by its ids.
    expect(await ingest(a, emptied)).toEqual({ accepted: 0, duplicates: emptied.length, rejected: 0 });

    // kill -9 of A: B takes every store over, rebuilding A's stores by replay.
    a.proc.child.kill('SIGKILL');
    await a.proc.exited;
    await waitUntil(async () => ((await storesOf(b)).join() === STORES.join() ? true : null), { what: 'B to take over A’s stores', timeoutMs: 30_000 });
    // The rebuilt rules still see the empty shelf (no second task), and a restock resolves that same task.
    await ingest(b, minutes(storeOfA, 6, 7, 0));
    await ingest(b, minutes(storeOfA, 8, 10, 12));
    const after = await waitUntil(async () => {
      const tasks = await outOfStock(b, storeOfA);
      return tasks.every((t) => t.status === 'resolved') ? tasks : null;
    }, { what: 'the task resolved by the replica that took the store over' });
    expect(after.map((t) => t.id)).toEqual([raised!.id]);

    // A feed resumed on B from the first event misses nothing that B's live feed carried.
    await feedOnB.nextTask((e) => e.task.id === raised!.id && e.type === 'resolved', 30_000);
    const live = feedOnB.taskEvents();
    const resumed = await follow(b, live[0]!.seq);
    await resumed.nextTask((e) => e.seq === live.at(-1)!.seq);
    expect(resumed.taskEvents().map((e) => e.seq)).toEqual(live.slice(1).map((e) => e.seq));
    // In seq order, each once.
    const seqs = live.map((e) => e.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
    await Promise.all([feedOnB.close(), resumed.close()]);
  });
});
