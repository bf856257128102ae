import type { Reading } from '@shelfwatch/contracts';
import { makeTempDir, type TempDir } from '@shelfwatch/test-support';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkError } from '../../src/errors.js';
import { GatewayMetrics } from '../../src/http/gateway-metrics.js';
import { AppendQueue } from '../../src/outbox/append-queue.js';
import { Outbox } from '../../src/outbox/outbox.js';
import type { Sink } from '../../src/sinks/sink.js';
import { SinkRunner } from '../../src/sinks/sink-runner.js';
import { probeReading } from '../fixtures/readings.js';

/** A fake sink (the runner's collaborator): scripted failures, records what it got. */
class FakeSink implements Sink {
  readonly name = 'fake';
  delivered: string[] = [];
  batches: number[] = [];
  flushIntervalMs = 0;
  calls = 0;
  failTimes = 0;
  poison = new Set<string>();
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
});
afterEach(async () => {
  await runner?.stop();
  await outbox.close();
  await dir.remove();
});

function run(sink: FakeSink, m = metrics()): GatewayMetrics {
  runner = new SinkRunner({ sink, outbox, metrics: m, logger: pino({ level: 'silent' }), backoff: { initialMs: 1, maxMs: 2 } });
  queue.on('appended', () => runner!.wake());
  runner.start();
  return m;
}

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
    await sink.until(15);
    await runner!.stop();
    expect(sink.delivered.sort()).toEqual(ids(0, 16).filter((id) => id !== 'probe-1:9').sort());
    expect(m.snapshot({}).deadLettered.fake).toBe(1);
    expect(outbox.pending('fake')).toBe(0);
    await outbox.close(); // the writer has stored everything it was given
    const db = new Database(`${dir.path}/o.db`, { readonly: true });
    expect(db.prepare('SELECT reading_id FROM dead_letters').all()).toEqual([{ reading_id: 'probe-1:9' }]);
    db.close();
  });

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
