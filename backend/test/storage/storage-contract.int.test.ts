import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startPostgres, waitUntil, type PostgresHandle, type TempDir } from '@shelfwatch/test-support';
import type { OutboxMessage, Storage } from '../../src/storage/ports.js';
import { migrate, MIGRATIONS } from '../../src/storage/postgres/migrations.js';
import { openPostgresStorage } from '../../src/storage/postgres/pg-storage.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { raise } from '../../src/tasks/task-state.js';
import { outOfStock } from '../support/conditions.js';
import { fixtureLayout } from '../support/fixture-layout.js';
import { probe, weight } from '../support/readings.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const logger = pino({ level: 'silent' });

let postgres: PostgresHandle;
let dir: TempDir;
let files = 0;
const opened: Storage[] = [];

beforeAll(async () => {
  [postgres, dir] = await Promise.all([startPostgres(), makeTempDir('storage-contract')]);
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await postgres?.stop();
  await dir?.remove();
});

const adapters: { name: string; open: () => Promise<Storage> }[] = [
  { name: 'SQLite', open: async () => openSqliteStorage(`${dir.path}/contract-${++files}.sqlite`) },
  { name: 'PostgreSQL', open: async () => openPostgresStorage({ url: await postgres.createDatabase(), logger }) },
];

async function fresh(open: () => Promise<Storage>): Promise<Storage> {
  const storage = await open();
  opened.push(storage);
  return storage;
}


const message = (id: string, at: number): Omit<OutboxMessage, 'attempts' | 'status'> => ({
  id,
  supplierId: 'dairyco',
  storeId: 'store-1',
  eventType: 'replenishment.requested',
  payload: '{}',
  createdAt: at,
  nextAttemptAt: at,
});

describe.each(adapters)('storage contract: $name', ({ open }) => {
  it('admits a reading id once: within a batch, across batches and across concurrent units of work', async () => {
    const storage = await fresh(open);
    const a = weight(T0, 3);
    const b = probe(T0, 4.2);
    const c = probe(T0 + 1000, 4.3);
    const first = await storage.transaction((tx) => tx.readings.admitNew([a, b, a]));
    expect(first.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(await storage.transaction((tx) => tx.readings.admitNew([b, c]))).toEqual([c]);
    const batch = Array.from({ length: 200 }, (_, i) => probe(T0 + 2000 + i, 4));
    const both = await Promise.all([storage.transaction((tx) => tx.readings.admitNew(batch)), storage.transaction((tx) => tx.readings.admitNew([...batch].reverse()))]);
    expect(both[0].length + both[1].length).toBe(batch.length);
    expect(new Set([...both[0], ...both[1]].map((r) => r.id)).size).toBe(batch.length);
  });

  it('keeps one active task per (store, kind, location) when two units of work race to raise it', async () => {
    const storage = await fresh(open);
    const raced = await Promise.allSettled(
      ['task-a', 'task-b'].map((id) =>
        storage.transaction(async (tx) => {
          const t = raise(outOfStock('slot-1'), T0, id);
          await tx.tasks.insert(t.task);
          await tx.tasks.appendHistory(t.task.id, t.history);
          return tx.tasks.appendEvents([{ type: t.event, task: t.task }]);
        }),
      ),
    );
    expect(raced.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const active = await storage.tasks.list({ status: ['open', 'acknowledged'] });
    expect(active).toHaveLength(1);
    expect(await storage.tasks.active('store-1', 'out_of_stock', 'slot:slot-1')).toEqual(active[0]);
    // The loser's history and event were rolled back with its task.
    expect((await storage.tasks.eventsAfter(0, 10)).map((e) => e.task.id)).toEqual([active[0]?.id]);
    // Another location is another task.
    await storage.transaction((tx) => tx.tasks.insert(raise(outOfStock('slot-2'), T0, 'task-c').task));
    expect(await storage.tasks.countActive()).toBe(2);
  });

  it('makes nothing of a failed unit of work visible', async () => {
    const storage = await fresh(open);
    await storage.transaction((tx) => tx.catalog.seedLayout(fixtureLayout()));
    const reading = weight(T0, 2);
    const failed = storage.transaction(async (tx) => {
      await tx.readings.admitNew([reading]);
      await tx.readings.keepRecent([reading]);
      const t = raise(outOfStock('slot-1'), T0, 'task-1');
      await tx.tasks.insert(t.task);
      await tx.tasks.appendHistory(t.task.id, t.history);
      await tx.tasks.appendEvents([{ type: t.event, task: t.task }]);
      await tx.outbox.enqueue(message('msg-1', T0));
      await tx.catalog.adjustBackroom('store-1', 'MILK-1L', 12);
      await tx.cursors.set('influx', 7);
      throw new Error('the disk is full');
    });
    await expect(failed).rejects.toThrow('the disk is full');
    expect(await storage.tasks.list({})).toEqual([]);
    expect(await storage.tasks.history('task-1')).toEqual([]);
    expect(await storage.tasks.lastSeq()).toBe(0);
    expect(await storage.readings.recent('store-1')).toEqual([]);
    expect(await storage.outbox.counts()).toEqual({ pending: 0, delivered: 0, failed: 0 });
    expect(await storage.catalog.backroomUnits('store-1', 'MILK-1L')).toBe(0);
    expect(await storage.cursors.get('influx')).toBe(0);
    // And the reading is still new: the retried batch is admitted.
    expect(await storage.transaction((tx) => tx.readings.admitNew([reading]))).toEqual([reading]);
  });

  it('numbers task events in commit order and reads them back in seq order', async () => {
    const storage = await fresh(open);
    const seqs: number[] = [];
    for (const slot of ['slot-1', 'slot-2', 'slot-3']) {
      const t = raise(outOfStock(slot), T0, `task-${slot}`);
      const event = await storage.transaction(async (tx) => {
        await tx.tasks.insert(t.task);
        const [appended] = await tx.tasks.appendEvents([{ type: t.event, task: t.task }]);
        return appended!;
      });
      seqs.push(event.seq);
    }
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(3);
    expect(await storage.tasks.lastSeq()).toBe(seqs[2]);
    const events = await storage.tasks.eventsAfter(seqs[0] ?? 0, 10);
    expect(events.map((e) => [e.seq, e.task.locationKey])).toEqual([
      [seqs[1], 'slot:slot-2'],
      [seqs[2], 'slot:slot-3'],
    ]);
  });

  it('keeps inbox readings per store in the order they were put, until a unit of work takes them', async () => {
    const storage = await fresh(open);
    const first = [weight(T0, 3), probe(T0, 4.1)];
    const other = { ...probe(T0, 5), id: 'other-store-reading', storeId: 'store-2' };
    await storage.transaction((tx) => tx.inbox.put([...first, other]));
    await storage.transaction((tx) => tx.inbox.put([probe(T0 + 1000, 4.2)]));
    expect(await storage.inbox.waiting()).toEqual(['store-1', 'store-2']);
    // Taken in a unit of work that fails: still waiting.
    await expect(
      storage.transaction(async (tx) => {
        await tx.inbox.take('store-1', 10);
        throw new Error('rules failed');
      }),
    ).rejects.toThrow('rules failed');
    expect(await storage.transaction((tx) => tx.inbox.take('store-1', 2))).toEqual(first);
    expect((await storage.transaction((tx) => tx.inbox.take('store-1', 10))).map((r) => r.ts)).toEqual([T0 + 1000]);
    expect(await storage.inbox.waiting()).toEqual(['store-2']);
  });

  it('stores layouts, backroom levels and deliveries as they were given', async () => {
    const storage = await fresh(open);
    const plain = fixtureLayout();
    // The trading hours too: the forecast and the supplier's day hang on them.
    const layout = { ...plain, store: { ...plain.store, opensAt: '07:00', closesAt: '21:30' } };
    expect(await storage.transaction((tx) => tx.catalog.seedLayout(layout))).toBe(true);
    expect(await storage.transaction((tx) => tx.catalog.seedLayout(layout))).toBe(false);
    // The chain-wide catalogue comes back in key order.
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    expect(await storage.catalog.layout('store-1')).toEqual({
      ...layout,
      suppliers: [...layout.suppliers].sort((a, b) => byKey(a.id, b.id)),
      products: [...layout.products].sort((a, b) => byKey(a.sku, b.sku)),
    });
    expect(await storage.catalog.storeIds()).toEqual(['store-1']);
    // A layout without them comes back without them.
    await storage.transaction((tx) => tx.catalog.saveLayout(plain));
    expect((await storage.catalog.layout('store-1'))!.store).toEqual(plain.store);
    expect(await storage.transaction((tx) => tx.catalog.adjustBackroom('store-1', 'MILK-1L', -3))).toBe(0);
    expect(await storage.transaction((tx) => tx.catalog.adjustBackroom('store-1', 'MILK-1L', 10))).toBe(10);
    expect(await storage.catalog.backroom('store-1')).toEqual([{ sku: 'MILK-1L', units: 10 }]);
    const delivery = { deliveryId: 'd1', supplierId: 'dairyco', storeId: 'store-1', requestId: null, expectedAt: T0, lines: [{ sku: 'MILK-1L', quantity: 12 }], taskId: 'task-1', receivedAt: null };
    await storage.transaction((tx) => tx.deliveries.insert(delivery));
    expect(await storage.deliveries.byTask('task-1')).toEqual(delivery);
  });

  it('keeps each store\'s newest learnt record per name, its body as given, and never an older one over it', async () => {
    const storage = await fresh(open);
    const body = { version: 1, hours: [0.5, 1 / 3], nested: { sku: 'MILK-1L' } };
    await storage.transaction((tx) => tx.learning.put('forecast', { storeId: 'store-2', asOf: T0, body }));
    await storage.transaction((tx) => tx.learning.put('forecast', { storeId: 'store-1', asOf: T0, body: { v: 'old' } }));
    await storage.transaction((tx) => tx.learning.put('forecast', { storeId: 'store-1', asOf: T0 + 3_600_000, body: { v: 'new' } }));
    // A replica still running an older engine must not put back what it learnt earlier.
    await storage.transaction((tx) => tx.learning.put('forecast', { storeId: 'store-1', asOf: T0, body: { v: 'stale' } }));
    await storage.transaction((tx) => tx.learning.put('other', { storeId: 'store-1', asOf: T0, body: {} }));
    // Not saved with a unit of work that fails.
    await expect(
      storage.transaction(async (tx) => {
        await tx.learning.put('forecast', { storeId: 'store-3', asOf: T0, body: {} });
        throw new Error('rules failed');
      }),
    ).rejects.toThrow('rules failed');
    expect(await storage.learning.all('forecast')).toEqual([
      { storeId: 'store-1', asOf: T0 + 3_600_000, body: { v: 'new' } },
      { storeId: 'store-2', asOf: T0, body },
    ]);
  });
});

describe('storage contract: PostgreSQL across replicas', () => {
  it('claims each due webhook for one connection only, however the claims interleave', async () => {
    const url = await postgres.createDatabase();
    const [a, b] = [await fresh(() => openPostgresStorage({ url, logger })), await fresh(() => openPostgresStorage({ url, logger }))];
    const ids = Array.from({ length: 60 }, (_, i) => `msg-${i}`);
    await a.transaction(async (tx) => {
      for (const id of ids) await tx.outbox.enqueue(message(id, T0));
    });
    const claimAll = async (storage: Storage) => {
      const mine: string[] = [];
      for (;;) {
        const claimed = await storage.outbox.claimDue(T0, 7, 60_000);
        if (claimed.length === 0) return mine;
        mine.push(...claimed.map((m) => m.id));
      }
    };
    const [byA, byB] = await Promise.all([claimAll(a), claimAll(b)]);
    expect([...byA, ...byB].sort()).toEqual([...ids].sort());
    // A claimed message waits for its attempt, or for the lease to run out if its sender died.
    const [sent] = byA.length > 0 ? byA : byB;
    await a.transaction((tx) =>
      tx.outbox.recordAttempt(
        { messageId: sent!, supplierId: 'dairyco', storeId: 'store-1', attempt: 1, at: T0, url: 'https://example.com', statusCode: 503, error: 'HTTP 503', outcome: 'retry' },
        { status: 'pending', nextAttemptAt: T0 + 1000 },
      ),
    );
    expect((await b.outbox.claimDue(T0 + 1000, 100, 60_000)).map((m) => m.id)).toEqual([sent]);
    expect(await b.outbox.claimDue(T0 + 59_999, 100, 60_000)).toEqual([]);
    expect(await b.outbox.claimDue(T0 + 60_000, 100, 60_000)).toHaveLength(ids.length - 1);
  });

  it('splits the stores between live replicas and hands a silent replica\'s stores over when its leases run out', async () => {
    const url = await postgres.createDatabase();
    const [a, b] = [await fresh(() => openPostgresStorage({ url, logger })), await fresh(() => openPostgresStorage({ url, logger }))];
    await a.transaction(async (tx) => {
      for (const id of ['store-1', 'store-2', 'store-3', 'store-4']) await tx.catalog.seedLayout(fixtureLayout(id));
    });
    const keep = (s: Storage, id: string, leaseMs = 60_000) => s.transaction((tx) => tx.leases.keep({ id, url: `http://${id}` }, leaseMs));
    const ids = (leases: { storeId: string }[]) => leases.map((l) => l.storeId);
    expect(ids(await keep(a, 'a'))).toEqual(['store-1', 'store-2', 'store-3', 'store-4']);
    // b joins: nothing is free; a gives back its share beyond half, b claims it.
    expect(await keep(b, 'b')).toEqual([]);
    expect(ids(await keep(a, 'a'))).toEqual(['store-1', 'store-2']);
    const bHeld = await keep(b, 'b');
    expect(ids(bHeld)).toEqual(['store-3', 'store-4']);
    expect(await a.leases.holderUrl('store-3')).toBe('http://b');
    // A unit of work of b holds its leases; a cannot take them.
    expect([...(await b.transaction((tx) => tx.leases.confirm('b', bHeld)))].sort()).toEqual(['store-3', 'store-4']);
    expect(await a.transaction((tx) => tx.leases.confirm('a', bHeld))).toEqual(new Set());

    // b goes silent: its leases run out (a short lease this round), a takes every store.
    await keep(b, 'b', 1000);
    const taken = await waitUntil(async () => {
      const held = await keep(a, 'a', 1000);
      return held.length === 4 ? held : null;
    }, { what: 'a to take over b\'s stores', timeoutMs: 10_000 });
    // b's old claims are void, even for a store it would claim again: each claim is a new lease.
    expect(await b.transaction((tx) => tx.leases.confirm('b', bHeld))).toEqual(new Set());
    expect(taken.find((l) => l.storeId === 'store-3')?.since).not.toBe(bHeld[0]?.since);
    await a.leases.releaseAll('a');
    expect(await a.leases.holderUrl('store-1')).toBeNull();
  });

  it('makes task event seqs visible in commit order: a second writer waits for the first to commit', async () => {
    const url = await postgres.createDatabase();
    const [a, b] = [await fresh(() => openPostgresStorage({ url, logger })), await fresh(() => openPostgresStorage({ url, logger }))];
    const event = (slot: string) => {
      const t = raise(outOfStock(slot), T0, `task-${slot}`);
      return { type: t.event, task: t.task };
    };
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    let firstAppended!: () => void;
    const appended = new Promise<void>((resolve) => (firstAppended = resolve));
    const first = a.transaction(async (tx) => {
      const [e] = await tx.tasks.appendEvents([event('slot-1')]);
      firstAppended();
      await firstMayCommit;
      return e!;
    });
    await appended;
    const second = b.transaction(async (tx) => (await tx.tasks.appendEvents([event('slot-2'), event('slot-3')]))[1]!);
    const monitor = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await waitUntil(async () => (await monitor.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rowCount === 1, { what: 'the second writer to wait' });
      // While it waits, a reader sees neither.
      expect(await b.tasks.eventsAfter(0, 10)).toEqual([]);
      commitFirst();
      const [e1, e3] = await Promise.all([first, second]);
      expect(e3.seq).toBeGreaterThan(e1.seq);
      expect((await b.tasks.eventsAfter(0, 10)).map((e) => e.task.locationKey)).toEqual(['slot:slot-1', 'slot:slot-2', 'slot:slot-3']);
    } finally {
      await monitor.end();
    }
  });

  it('migrates once when two replicas start together', async () => {
    const url = await postgres.createDatabase();
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p)));
      expect(applied.flat().sort((x, y) => x - y)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      const { rows } = await pools[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      // A later start finds nothing to do.
      expect(await migrate(pools[1]!)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
