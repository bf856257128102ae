import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { SinkError } from '../errors.js';
import type { GatewayMetrics } from '../http/gateway-metrics.js';
import type { Outbox, OutboxRow } from '../outbox/outbox.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { Sink } from './sink.js';

interface Batch {
  rows: OutboxRow[];
  /** Last outbox seq this batch covers, including readings the sink filtered out. */
  endSeq: number;
}

export interface SinkRunnerOptions {
  sink: Sink;
  outbox: Outbox;
  metrics: GatewayMetrics;
  logger: Logger;
  backoff?: BackoffPolicy;
}

export interface SinkHealth {
  ok: boolean;
  pending: number;
  consecutiveFailures: number;
  lastError: string | null;
}

/**
 * Drives one sink from its outbox cursor: reads in order, filters, batches, writes with up
 * to maxInFlight batches at once, advances the cursor only over a delivered prefix, retries
 * retryable failures with backoff + jitter, and isolates permanently refused readings by
 * bisection so the good readings beside them are delivered.
 */
export class SinkRunner {
  private running = false;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  private wakeUp: (() => void) | undefined;
  private position = 0;
  private ready: Batch[] = [];
  private attempt = 0;
  private lastError: string | null = null;
  private lastWriteAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SinkRunnerOptions) {}

  get name(): string {
    return this.options.sink.name;
  }

  start(): void {
    this.running = true;
    this.position = this.options.outbox.cursor(this.name);
    this.loop = this.run().catch((err: unknown) => {
      this.options.logger.fatal({ err, sink: this.name }, 'sink runner crashed');
    });
  }

  /** New readings were appended. */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wake();
    await this.loop;
  }

  health(): SinkHealth {
    return { ok: this.attempt < 5, pending: this.options.outbox.pending(this.name), consecutiveFailures: this.attempt, lastError: this.lastError };
  }

  private async run(): Promise<void> {
    const { sink } = this.options;
    while (this.running) {
      await this.fill();
      if (this.ready.length === 0) {
        await this.idle();
        continue;
      }
      // Nagle for sinks: a busy sink gathers rows for up to flushIntervalMs since its last
      // write; an idle one (last write longer ago) or a full batch goes at once.
      const wait = this.lastWriteAt + (sink.flushIntervalMs ?? 0) - performance.now();
      const missing = sink.batchSize - this.ready[0]!.rows.length;
      if (wait > 0 && missing > 0) {
        await this.idle(wait, missing);
        continue;
      }
      this.lastWriteAt = performance.now();
      const inFlight = this.ready.slice(0, sink.maxInFlight);
      const results = await Promise.allSettled(inFlight.map((b) => (b.rows.length === 0 ? Promise.resolve() : sink.write(b.rows.map((r) => r.reading)))));
      let failure: unknown;
      let failedBatch: Batch | undefined;
      for (const [i, result] of results.entries()) {
        const batch = inFlight[i]!;
        if (result.status === 'rejected') {
          failure = result.reason;
          failedBatch = batch;
          break;
        }
        this.delivered(batch);
      }
      if (failedBatch === undefined) {
        this.attempt = 0;
        continue;
      }
      const retryable = !(failure instanceof SinkError) || failure.retryable;
      this.options.metrics.sinkError(this.name, retryable);
      this.lastError = (failure as Error).message;
      if (retryable) {
        await this.backoff(failure);
        continue;
      }
      this.options.logger.warn({ sink: this.name, err: failure, readings: failedBatch.rows.length }, 'sink refused a batch; isolating the bad readings');
      const ok = await this.isolate(failedBatch.rows);
      if (!ok) continue; // stopping
      this.delivered(failedBatch, false);
    }
  }

  /**
   * Reads more rows after the in-memory position, filters them, and cuts batches. Recent rows
   * come from memory in one go; a sink catching up reads the file in chunks, and lets the
   * serving thread take a turn between them.
   */
  private async fill(): Promise<void> {
    const { sink, outbox } = this.options;
    const want = sink.batchSize * sink.maxInFlight;
    let queued = this.ready.reduce((n, b) => n + b.rows.length, 0);
    for (let chunk = 0; queued < want && this.ready.length < sink.maxInFlight * 2; chunk++) {
      if (this.position >= outbox.last) return;
      if (chunk > 0) await nextTurn();
      const rows = outbox.readAfter(this.position, want, this.name);
      if (rows.length === 0) return;
      // Nothing is being written while filling: the last batch may still grow.
      const last = this.ready.at(-1);
      let current: Batch = last && last.rows.length < sink.batchSize ? this.ready.pop()! : { rows: [], endSeq: this.position };
      for (const row of rows) {
        if (sink.accepts(row.reading)) current.rows.push(row);
        current.endSeq = row.seq;
        if (current.rows.length >= sink.batchSize) {
          this.ready.push(current);
          current = { rows: [], endSeq: row.seq };
        }
      }
      if (current.endSeq > (this.ready.at(-1)?.endSeq ?? this.position)) this.ready.push(current);
      this.position = rows.at(-1)!.seq;
      queued += rows.length;
    }
  }

  private delivered(batch: Batch, count = true): void {
    const idx = this.ready.indexOf(batch);
    if (idx >= 0) this.ready.splice(idx, 1);
    this.options.outbox.commit(this.name, batch.endSeq);
    if (count) this.options.metrics.written(this.name, batch.rows.length);
  }

  /** Writes rows, halving on permanent refusal until each bad reading stands alone. */
  private async isolate(rows: OutboxRow[]): Promise<boolean> {
    for (;;) {
      if (!this.running) return false;
      try {
        await this.options.sink.write(rows.map((r) => r.reading));
        this.options.metrics.written(this.name, rows.length);
        this.attempt = 0;
        return true;
      } catch (err) {
        const retryable = !(err instanceof SinkError) || err.retryable;
        if (retryable) {
          this.options.metrics.sinkError(this.name, true);
          await this.backoff(err);
          continue;
        }
        if (rows.length === 1) {
          const row = rows[0]!;
          this.options.outbox.deadLetter(this.name, rows, (err as Error).message);
          this.options.metrics.deadLettered(this.name, 1);
          this.options.logger.error({ sink: this.name, readingId: row.reading.id, seq: row.seq, err }, 'sink refused a reading for good; kept in dead_letters');
          return true;
        }
        const mid = Math.floor(rows.length / 2);
        if (!(await this.isolate(rows.slice(0, mid)))) return false;
        return this.isolate(rows.slice(mid));
      }
    }
  }

  private async backoff(err: unknown): Promise<void> {
    const delay = backoffDelay(this.options.backoff ?? DEFAULT_BACKOFF, this.attempt);
    this.attempt += 1;
    const log = this.attempt === 1 || this.attempt % 10 === 0 ? 'warn' : 'debug';
    this.options.logger[log]({ sink: this.name, err, attempt: this.attempt, delayMs: Math.round(delay) }, 'sink write failed; retrying');
    await this.pause(delay);
  }

  /** Until at least `rows` new rows are in the outbox (or stop()), or at most `ms`. */
  private idle(ms = Number.POSITIVE_INFINITY, rows = 1): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      // wake() runs this on every commit; it re-arms itself until enough rows are there.
      const check = () => {
        if (!this.running || this.options.outbox.last - this.position >= rows) done();
        else this.wakeUp = check;
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      check();
    });
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.abort.signal });
    } catch {
      // aborted by stop()
    }
  }
}
