import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Reading } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import { SinkError } from '../errors.js';
import type { DeadLetterReason, GatewayMetrics } from '../http/gateway-metrics.js';
import type { Outbox, OutboxRow } from '../outbox/outbox.js';
import { backoffDelay, DEFAULT_BACKOFF, Worker, type BackoffPolicy } from '@shelfwatch/service-kit';
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
  poison?: PoisonPolicy;
}

/** When a batch that keeps failing is searched for a reading that breaks the peer. */
export interface PoisonPolicy {
  /** Consecutive retryable failures of one batch before the search (if fresh readings get through meanwhile). */
  afterFailures: number;
  /** Further attempts (with backoff) a lone suspect gets before it is dead-lettered. */
  confirmations: number;
}

export const DEFAULT_POISON: PoisonPolicy = { afterFailures: 5, confirmations: 2 };

/** How a search through a failing batch ended. */
type Settled = 'done' | 'peer_down' | 'stopping';
type Failure = { ok: false; retryable: boolean; err: unknown };
type Attempt = { ok: true } | Failure;
/** Whether the peer has taken new readings (or answered about their content) during the search. */
interface Evidence {
  peerWorks: boolean;
}

export interface SinkHealth {
  ok: boolean;
  pending: number;
  consecutiveFailures: number;
  lastError: string | null;
  /** The sink's own details (Sink.details), when it has any. */
  details?: Record<string, unknown>;
}

/**
 * Drives one sink from its outbox cursor: reads in order, filters, batches, writes with up
 * to maxInFlight batches at once, advances the cursor only over a delivered prefix, retries
 * retryable failures with backoff + jitter, and isolates bad readings by bisection so the
 * good readings beside them are delivered: readings the peer refuses for good (4xx), and
 * "poison" readings that make a peer which otherwise works fail or time out again and again.
 */
export class SinkRunner {
  private readonly worker: Worker;
  /** The running pass's signal: aborted by stop(). */
  private signal = new AbortController().signal;
  /** New rows that make waiting worth ending (Infinity: not waiting for rows). */
  private wantRows = Number.POSITIVE_INFINITY;
  private position = 0;
  private ready: Batch[] = [];
  private attempt = 0;
  private lastError: string | null = null;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  /** The last reading the sink took, for showing the peer still answers. */
  private lastDelivered: Reading | undefined;

  constructor(private readonly options: SinkRunnerOptions) {
    this.worker = new Worker({ name: `sink ${options.sink.name}`, logger: options.logger, pass: (signal) => this.pass(signal) });
  }

  get name(): string {
    return this.options.sink.name;
  }

  start(): void {
    this.position = this.options.outbox.cursor(this.name);
    this.worker.start();
  }

  /** New readings were appended: a pass once enough are there for what the runner waits for. */
  wake(): void {
    if (this.options.outbox.last - this.position >= this.wantRows) this.worker.kick();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }

  health(): SinkHealth {
    const details = this.options.sink.details?.();
    return { ok: this.attempt < 5, pending: this.options.outbox.pending(this.name), consecutiveFailures: this.attempt, lastError: this.lastError, ...(details ? { details } : {}) };
  }

  /** One round: fill, then write what is ready; resolves with when to run again (undefined: on wake()). */
  private async pass(signal: AbortSignal): Promise<number | undefined> {
    const { sink } = this.options;
    this.signal = signal;
    this.wantRows = Number.POSITIVE_INFINITY;
    await this.fill();
    if (this.ready.length === 0) return this.waitFor(1);
    // Nagle for sinks: a busy sink gathers rows for up to flushIntervalMs since its last
    // write; an idle one (last write longer ago) or a full batch goes at once.
    const wait = this.lastWriteAt + (sink.flushIntervalMs ?? 0) - performance.now();
    const missing = sink.batchSize - this.ready[0]!.rows.length;
    if (wait > 0 && missing > 0) return this.waitFor(missing, wait);
    this.lastWriteAt = performance.now();
    const inFlight = this.ready.slice(0, sink.maxInFlight);
    const results = await Promise.allSettled(inFlight.map((b) => (b.rows.length === 0 ? Promise.resolve() : sink.write(b.rows.map((r) => r.reading), this.signal))));
    let failure: unknown;
    let failedBatch: Batch | undefined;
    for (const [i, result] of results.entries()) {
      const batch = inFlight[i]!;
      if (result.status === 'rejected') {
        failure = result.reason;
        failedBatch = batch;
        break;
      }
      this.lastDelivered = batch.rows.at(-1)?.reading ?? this.lastDelivered;
      this.delivered(batch);
    }
    if (failedBatch === undefined) {
      this.attempt = 0;
      return 0;
    }
    const retryable = isRetryable(failure);
    this.options.metrics.sinkError(this.name, retryable);
    this.lastError = (failure as Error).message;
    let settled: Settled;
    if (retryable) {
      await this.backoff(failure);
      // Every afterFailures-th failure in a row: is one reading in this batch the trouble?
      if (this.attempt % this.poison.afterFailures !== 0) return 0;
      this.options.logger.warn({ sink: this.name, err: failure, attempts: this.attempt, readings: failedBatch.rows.length }, 'a batch keeps failing; looking for a poison reading in it');
      settled = await this.settle(failedBatch.rows, { ok: false, retryable, err: failure }, { peerWorks: false });
    } else {
      this.options.logger.warn({ sink: this.name, err: failure, readings: failedBatch.rows.length }, 'sink refused a batch; isolating the bad readings');
      // A refusal is an answer about the content: the peer works.
      settled = await this.settle(failedBatch.rows, { ok: false, retryable, err: failure }, { peerWorks: true });
    }
    // peer_down: the next pass retries the whole batch after backoff (what got through is deduplicated).
    if (settled !== 'done') return 0;
    this.attempt = 0;
    this.delivered(failedBatch, false);
    return 0;
  }

  /** Until at least `rows` new rows are in the outbox (wake() kicks), or at most `ms`. */
  private waitFor(rows: number, ms?: number): number | undefined {
    if (this.options.outbox.last - this.position >= rows) return 0;
    this.wantRows = rows;
    return ms;
  }

  private get poison(): PoisonPolicy {
    return this.options.poison ?? DEFAULT_POISON;
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

  /**
   * Searches rows in order: the first half is written and, if it fails, searched down to
   * single readings before the second half is written, so the sink still receives readings
   * in outbox order (the backend relies on each device's readings arriving in order). A half
   * that gets through (or is refused for its content) proves the peer works; while nothing
   * does, the peer is failing for everyone and the search gives up (peer_down) rather than
   * dead-letter good readings.
   */
  private async bisect(rows: OutboxRow[], evidence: Evidence): Promise<Settled> {
    const mid = Math.ceil(rows.length / 2);
    for (const half of [rows.slice(0, mid), rows.slice(mid)]) {
      if (this.signal.aborted) return 'stopping';
      const attempt = await this.attemptWrite(half);
      if (attempt.ok || !attempt.retryable) evidence.peerWorks = true;
      if (attempt.ok) continue;
      const settled = await this.settle(half, attempt, evidence);
      if (settled !== 'done') return settled;
    }
    return 'done';
  }

  /** Rows that just failed together: search them, or judge the one reading. */
  private settle(rows: OutboxRow[], failure: Failure, evidence: Evidence): Promise<Settled> {
    return rows.length === 1 ? this.lone(rows[0]!, failure, evidence) : this.bisect(rows, evidence);
  }

  /**
   * One reading that failed alone. Refused for good: dead letter. Failing while new
   * readings got through: retried `confirmations` times after backoff, then, if the peer
   * still takes a reading it already has, dead-lettered as poison.
   */
  private async lone(row: OutboxRow, failure: Failure, evidence: Evidence): Promise<Settled> {
    for (let confirmation = 0; ; confirmation++) {
      if (!failure.retryable) return this.deadLetter(row, 'refused', failure.err);
      evidence.peerWorks ||= await this.nextReadingGetsThrough(row);
      if (!evidence.peerWorks) return 'peer_down';
      if (confirmation >= this.poison.confirmations) return (await this.peerStillTakesReadings()) ? this.deadLetter(row, 'poison', failure.err) : 'peer_down';
      await this.backoff(failure.err);
      if (this.signal.aborted) return 'stopping';
      const attempt = await this.attemptWrite([row]);
      if (attempt.ok) return 'done';
      failure = attempt;
    }
  }

  /**
   * Evidence that the peer takes new readings while one keeps failing: the reading right
   * after it, written ahead of its turn (it is written again in its own batch; sinks are
   * idempotent). Only these two neighbours can swap places, should the suspect get through
   * later. A reading the peer already had would not do: a peer that cannot store anything
   * (disk full) still answers duplicates. Nothing behind it yet: no evidence.
   */
  private async nextReadingGetsThrough(suspect: OutboxRow): Promise<boolean> {
    for (let after = suspect.seq; ; ) {
      const rows = this.options.outbox.readAfter(after, 100);
      if (rows.length === 0) return false;
      const next = rows.find((r) => this.options.sink.accepts(r.reading));
      if (next) return this.quietWrite(next.reading);
      after = rows.at(-1)!.seq;
    }
  }

  /** The last reading the peer took, again: it still answers (and deduplicates). */
  private async peerStillTakesReadings(): Promise<boolean> {
    return this.lastDelivered !== undefined && (await this.quietWrite(this.lastDelivered));
  }

  private async quietWrite(reading: Reading): Promise<boolean> {
    try {
      await this.options.sink.write([reading], this.signal);
      this.lastDelivered = reading;
      return true;
    } catch {
      return false;
    }
  }

  private async attemptWrite(rows: OutboxRow[]): Promise<Attempt> {
    try {
      await this.options.sink.write(rows.map((r) => r.reading), this.signal);
      this.options.metrics.written(this.name, rows.length);
      this.lastDelivered = rows.at(-1)?.reading;
      return { ok: true };
    } catch (err) {
      const retryable = isRetryable(err);
      this.options.metrics.sinkError(this.name, retryable);
      return { ok: false, retryable, err };
    }
  }

  private deadLetter(row: OutboxRow, reason: DeadLetterReason, err: unknown): Settled {
    this.options.outbox.deadLetter(this.name, [row], `${reason}: ${(err as Error).message}`);
    this.options.metrics.deadLettered(this.name, reason, 1);
    const message = reason === 'poison' ? 'sink keeps failing on this reading alone while others get through; kept in dead_letters' : 'sink refused a reading for good; kept in dead_letters';
    this.options.logger.error({ sink: this.name, readingId: row.reading.id, seq: row.seq, reason, err }, message);
    return 'done';
  }

  private async backoff(err: unknown): Promise<void> {
    const delay = backoffDelay(this.options.backoff ?? DEFAULT_BACKOFF, this.attempt);
    this.attempt += 1;
    const log = this.attempt === 1 || this.attempt % 10 === 0 ? 'warn' : 'debug';
    this.options.logger[log]({ sink: this.name, err, attempt: this.attempt, delayMs: Math.round(delay) }, 'sink write failed; retrying');
    await this.pause(delay);
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.signal });
    } catch {
      // aborted by stop()
    }
  }
}

function isRetryable(err: unknown): boolean {
  return !(err instanceof SinkError) || err.retryable;
}
