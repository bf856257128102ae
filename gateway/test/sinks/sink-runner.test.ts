import type { Reading } from '@shelfwatch/contracts';
import { makeTempDir, probeReading, waitUntil, type TempDir } from '@shelfwatch/test-support';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkError } from '../../src/errors.js';
import { GatewayMetrics } from '../../src/http/gateway-metrics.js';
import { AppendQueue } from '../../src/outbox/append-queue.js';
import { Outbox } from '../../src/outbox/outbox.js';
import type { Sink } from '../../src/sinks/sink.js';
import { SinkRunner } from '../../src/sinks/sink-runner.js';

/** A fake sink (the runner's collaborator): scripted failures, records what it got. */
class FakeSink implements Sink {
  readonly name = 'fake';
  delivered: string[] = [];
  batches: number[] = [];
  flushIntervalMs = 0;
  calls = 0;
  failTimes = 0;
  poison = new Set<string>();
  /** Readings that make every write they are in fail retryably (a peer that chokes on them). */
  breaks = new Set<string>();
  /** Every write fails retryably (the peer is broken for everyone). */
  broken = false;
  /** Writes with a reading not delivered before fail retryably; pure duplicates pass (a full disk). */
  storesNothing = false;

  filterOut = new Set<string>();
  waiters: { n: number; resolve: () => void }[] = [];
  constructor(
    readonly batchSize: number,
    readonly maxInFlight: number,
  ) {}
  init(): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  accepts(r: Reading): boolean {
    return !this.filterOut.has(r.id);
  }
  async write(readings: Reading[]): Promise<void> {
    this.calls += 1;
    if (this.failTimes > 0) {
      this.failTimes -= 1;
      throw new SinkError('503', true, 503);
    }
    if (this.broken || readings.some((r) => this.breaks.has(r.id))) throw new SinkError('500 internal error', true, 500);
    if (this.storesNothing && readings.some((r) => !this.delivered.includes(r.id))) throw new SinkError('500 disk full', true, 500);
    if (readings.some((r) => this.poison.has(r.id))) throw new SinkError('422', false, 422);
    this.delivered.push(...readings.map((r) => r.id));
    this.batches.push(readings.length);
    this.waiters = this.waiters.filter((w) => (this.delivered.length >= w.n ? (w.resolve(), false) : true));
  }
  until(n: number): Promise<void> {
    if (this.delivered.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

let dir: TempDir;
let outbox: Outbox;
let queue: AppendQueue;
let runner: SinkRunner | undefined;
const metrics = () => new GatewayMetrics();

beforeEach(async () => {
  dir = await makeTempDir('runner-unit');
  outbox = new Outbox({ path: `${dir.path}/o.db`, sinks: ['fake'], clock: { now: () => 0 } });
  await outbox.open();
  queue = new AppendQueue({ outbox, maxPending: 10_000 });
  // A writer thread starts in milliseconds, but in seconds on a machine busy with other jobs.
}, 30_000);
afterEach(async () => {
  await runner?.stop();
  await outbox.close();
  await dir.remove();
}, 30_000);

/** A fresh outbox per property run. */
async function propertyOutbox(fn: (outbox: Outbox, queue: AppendQueue, file: string) => Promise<void>): Promise<void> {
  const d = await makeTempDir('runner-prop');
  const ob = new Outbox({ path: `${d.path}/o.db`, sinks: ['fake'], clock: { now: () => 0 } });
  await ob.open();
  try {
    await fn(ob, new AppendQueue({ outbox: ob, maxPending: 10_000 }), `${d.path}/o.db`);
  } finally {
    await ob.close();
    await d.remove();
  }
}

function run(sink: FakeSink, m = metrics()): GatewayMetrics {
  runner = new SinkRunner({ sink, outbox, metrics: m, logger: pino({ level: 'silent' }), backoff: { initialMs: 1, maxMs: 2 } });
  queue.on('appended', () => runner!.wake());
  runner.start();
  return m;
}

/** Rows of the outbox file once the writer thread (which stores dead letters) has finished. */
async function storedRows(sql: string): Promise<unknown[]> {
  await outbox.close();
  const db = new Database(`${dir.path}/o.db`, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** Every reading delivered or dead-lettered: the cursor is at the end. */
const settled = () => waitUntil(() => outbox.pending('fake') === 0, { what: 'the outbox to settle' });

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `probe-1:${from + i}`);

describe('SinkRunner', () => {
  it('delivers in order in batches, with several in flight, and advances the cursor', async () => {
    const sink = new FakeSink(10, 2);
    const m = run(sink);
    await queue.append(Array.from({ length: 95 }, (_, i) => probeReading(i)));
    await sink.until(95);
    expect(sink.delivered).toEqual(ids(0, 95));
    expect(sink.calls).toBe(10);
    await runner!.stop();
    expect(outbox.pending('fake')).toBe(0);
    expect(m.snapshot({}).written.fake).toBe(95);
  });

  it('retries retryable failures and delivers everything exactly once in order', async () => {
    const sink = new FakeSink(5, 1);
    sink.failTimes = 3;
    run(sink);
    await queue.append(Array.from({ length: 12 }, (_, i) => probeReading(i)));
    await sink.until(12);
    expect(sink.delivered).toEqual(ids(0, 12));
  });

  it('isolates a permanently refused reading by bisection; the rest are delivered', async () => {
    const sink = new FakeSink(16, 1);
    sink.poison.add('probe-1:9');
    const m = run(sink);
    await queue.append(Array.from({ length: 16 }, (_, i) => probeReading(i)));
    await settled();
    await runner!.stop();
    expect(sink.delivered.sort()).toEqual(ids(0, 16).filter((id) => id !== 'probe-1:9').sort());
    expect(m.snapshot({}).deadLettered).toEqual({ 'fake:refused': 1 });
    expect(outbox.pending('fake')).toBe(0);
    await outbox.close(); // the writer has stored everything it was given
    const db = new Database(`${dir.path}/o.db`, { readonly: true });
    expect(db.prepare('SELECT reading_id FROM dead_letters').all()).toEqual([{ reading_id: 'probe-1:9' }]);
    db.close();
  });

  it('dead-letters a reading the peer keeps failing on (5xx) while others get through; the rest flow', async () => {
    const sink = new FakeSink(16, 1);
    sink.breaks.add('probe-1:5');
    const m = run(sink);
    await queue.append(Array.from({ length: 40 }, (_, i) => probeReading(i)));
    await settled();
    await runner!.stop();
    expect(new Set(sink.delivered)).toEqual(new Set(ids(0, 40).filter((id) => id !== 'probe-1:5')));
    expect(m.snapshot({}).deadLettered).toEqual({ 'fake:poison': 1 });
    expect(outbox.pending('fake')).toBe(0);
    expect(await storedRows('SELECT reading_id, error FROM dead_letters')).toEqual([{ reading_id: 'probe-1:5', error: 'poison: 500 internal error' }]);
  });

  it('finds two poison readings and a refused one in the same batch', async () => {
    const sink = new FakeSink(32, 1);
    sink.breaks.add('probe-1:3');
    sink.breaks.add('probe-1:20');
    sink.poison.add('probe-1:11');
    const m = run(sink);
    await queue.append(Array.from({ length: 32 }, (_, i) => probeReading(i)));
    await settled();
    await runner!.stop();
    expect(new Set(sink.delivered)).toEqual(new Set(ids(0, 32).filter((id) => !['probe-1:3', 'probe-1:11', 'probe-1:20'].includes(id))));
    expect(m.snapshot({}).deadLettered).toEqual({ 'fake:poison': 2, 'fake:refused': 1 });
    expect(outbox.pending('fake')).toBe(0);
  });

  it('dead-letters nothing while the peer fails for everyone, or takes only readings it already has (disk full); delivers all once it recovers', async () => {
    const sink = new FakeSink(8, 1);
    const m = run(sink);
    await queue.append(Array.from({ length: 4 }, (_, i) => probeReading(i)));
    await sink.until(4);
    sink.broken = true;
    await queue.append(Array.from({ length: 20 }, (_, i) => probeReading(4 + i)));
    await waitUntil(() => sink.calls >= 30, { what: 'many retries' });
    sink.broken = false;
    sink.storesNothing = true;
    const calls = sink.calls;
    await waitUntil(() => sink.calls >= calls + 30, { what: 'many retries with a full disk' });
    expect(m.snapshot({}).deadLettered).toEqual({});
    sink.storesNothing = false;
    await settled();
    await runner!.stop();
    expect(new Set(sink.delivered)).toEqual(new Set(ids(0, 24)));
    expect(await storedRows('SELECT count(*) AS n FROM dead_letters')).toEqual([{ n: 0 }]);
  });

  it('a poison reading alone at the head of the queue waits for readings behind it to get through, then is dead-lettered', async () => {
    const sink = new FakeSink(8, 1);
    sink.breaks.add('probe-1:0');
    const m = run(sink);
    await queue.append([probeReading(0)]);
    await waitUntil(() => sink.calls >= 12, { what: 'retries' });
    // Nothing proves the peer takes other readings: it is kept and retried.
    expect(m.snapshot({}).deadLettered).toEqual({});
    await queue.append(Array.from({ length: 5 }, (_, i) => probeReading(1 + i)));
    await settled();
    await runner!.stop();
    expect(m.snapshot({}).deadLettered).toEqual({ 'fake:poison': 1 });
    expect(new Set(sink.delivered)).toEqual(new Set(ids(1, 6)));
  });

  it('property: whatever breaks or refuses which readings, each is delivered or dead-lettered exactly once, by the right reason, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 1, max: 20 }),
        fc.uniqueArray(fc.nat({ max: 59 }), { maxLength: 4 }),
        fc.uniqueArray(fc.nat({ max: 59 }), { maxLength: 3 }),
        async (count, batchSize, breakAt, refuseAt) => {
          const sink = new FakeSink(batchSize, 1);
          // The last reading is good: a poison reading with no good one behind it waits for one (test above).
          const breaks = breakAt.filter((i) => i < count - 1 && !refuseAt.includes(i)).map((i) => `probe-1:${i}`);
          const refused = refuseAt.filter((i) => i < count - 1).map((i) => `probe-1:${i}`);
          for (const id of breaks) sink.breaks.add(id);
          for (const id of refused) sink.poison.add(id);
          await propertyOutbox(async (ob, q, file) => {
            const m = new GatewayMetrics();
            const r = new SinkRunner({ sink, outbox: ob, metrics: m, logger: pino({ level: 'silent' }), backoff: { initialMs: 1, maxMs: 2 }, poison: { afterFailures: 2, confirmations: 1 } });
            q.on('appended', () => r.wake());
            r.start();
            await q.append(Array.from({ length: count }, (_, i) => probeReading(i)));
            await waitUntil(() => ob.pending('fake') === 0, { timeoutMs: 20_000, what: 'the outbox to settle' });
            await r.stop();
            await ob.close(); // dead letters are stored by the writer thread
            const db = new Database(file, { readonly: true });
            const dead = db.prepare('SELECT reading_id AS id, error FROM dead_letters').all() as { id: string; error: string }[];
            db.close();
            expect(new Set(sink.delivered)).toEqual(new Set(ids(0, count).filter((id) => !breaks.includes(id) && !refused.includes(id))));
            // The search keeps outbox order: each reading first reaches the peer after the ones before it.
            const firstSeen = [...new Set(sink.delivered)].map((id) => Number(id.split(':')[1]));
            expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
            expect(dead.filter((d) => d.error.startsWith('poison')).map((d) => d.id).sort()).toEqual([...breaks].sort());
            expect(dead.filter((d) => d.error.startsWith('refused')).map((d) => d.id).sort()).toEqual([...refused].sort());
          });
        },
      ),
      { numRuns: 40, seed: 31 },
    );
  }, 180_000);

  it('advances the cursor over readings the sink filters out', async () => {
    const sink = new FakeSink(10, 1);
    for (let i = 0; i < 20; i++) if (i % 2 === 0) sink.filterOut.add(`probe-1:${i}`);
    run(sink);
    await queue.append(Array.from({ length: 20 }, (_, i) => probeReading(i)));
    await sink.until(10);
    await runner!.stop();
    expect(sink.delivered).toEqual(ids(0, 20).filter((_, i) => i % 2 === 1));
    expect(outbox.pending('fake')).toBe(0);
  });

  it('writes at once when idle, then gathers rows while busy until a batch is full', async () => {
    const sink = new FakeSink(5, 1);
    sink.flushIntervalMs = 600_000;
    run(sink);
    await queue.append(Array.from({ length: 3 }, (_, i) => probeReading(i)));
    await sink.until(3);
    await queue.append(Array.from({ length: 3 }, (_, i) => probeReading(3 + i)));
    await queue.append(Array.from({ length: 4 }, (_, i) => probeReading(6 + i)));
    await sink.until(8);
    expect(sink.batches).toEqual([3, 5]);
    expect(sink.delivered).toEqual(ids(0, 8));
  });

  it('resumes from its cursor after a restart', async () => {
    await outbox.append([Array.from({ length: 10 }, (_, i) => probeReading(i))]);
    outbox.commit('fake', 6);
    const sink = new FakeSink(100, 1);
    run(sink);
    await sink.until(4);
    expect(sink.delivered).toEqual(ids(6, 10));
  });
});
