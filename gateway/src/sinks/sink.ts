import type { Reading } from '@shelfwatch/contracts';

/**
 * A sink, Telegraf-style: init() only validates (never connects); start()/stop() own the
 * connection; write() delivers one batch or throws a SinkError saying whether to retry.
 * The sink runner owns cursors, batching, backoff and bisection, so a sink stays small.
 */
export interface Sink {
  readonly name: string;
  /** Readings per write(). */
  readonly batchSize: number;
  /** Batches written concurrently (the cursor still advances strictly in order). */
  readonly maxInFlight: number;
  /**
   * While busy, writes start at most this often unless a batch is full, so a stream of
   * readings becomes a few large requests rather than many small ones; a sink idle for
   * longer writes a new reading at once. Default 0.
   */
  readonly flushIntervalMs?: number;
  init(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether this sink wants a reading. Called once per reading, in outbox order, per process run. */
  accepts(reading: Reading): boolean;
  /** What /healthz shows about the sink itself beside the runner's state (e.g. the peer in use). */
  details?(): Record<string, unknown>;
  /** `signal` aborts when the runner stops: a write must end then, even while its peer is silent. */
  write(readings: Reading[], signal: AbortSignal): Promise<void>;
}
