import { EventEmitter } from 'node:events';
import type { Reading } from '@shelfwatch/contracts';
import { OutboxFullError } from '../errors.js';
import type { Outbox } from './outbox.js';

interface Waiter {
  readings: readonly Reading[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface AppendQueueOptions {
  outbox: Outbox;
  /** Bound on stored-but-undelivered readings; past it appends fail with OutboxFullError. */
  maxPending: number;
}

/**
 * The inputs' way into the outbox: appends arriving in the same turn of the event loop (e.g.
 * a socket chunk of MQTT publishes) go to the writer thread as one message, and the writer
 * commits whatever arrived meanwhile in one transaction and one fsync. A caller's promise
 * resolves only after its readings are committed, so it may then acknowledge. Emits
 * 'appended' after each commit so sink runners wake up.
 */
export class AppendQueue extends EventEmitter<{ appended: [lastSeq: number] }> {
  private queue: Waiter[] = [];
  private queuedCount = 0;
  private scheduled = false;
  private closed = false;

  constructor(private readonly options: AppendQueueOptions) {
    super();
  }

  /** Resolves once durable; rejects with OutboxFullError at the bound (nothing stored). */
  append(readings: readonly Reading[]): Promise<void> {
    if (readings.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('outbox is closed'));
    const stored = this.occupied();
    if (stored + readings.length > this.options.maxPending) {
      return Promise.reject(new OutboxFullError(stored, this.options.maxPending));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ readings, resolve, reject });
      this.queuedCount += readings.length;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  isFull(): boolean {
    return this.occupied() >= this.options.maxPending;
  }

  /** Readings stored and undelivered, being committed, or waiting for this turn's message. */
  private occupied(): number {
    return this.options.outbox.stored() + this.options.outbox.uncommitted + this.queuedCount;
  }

  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedCount = 0;
    this.options.outbox.append(batch.map((w) => w.readings)).then(
      (lastSeq) => {
        for (const w of batch) w.resolve();
        this.emit('appended', lastSeq);
      },
      (err: unknown) => {
        for (const w of batch) w.reject(err as Error);
      },
    );
  }

  /** Hands what is queued to the outbox and refuses further appends. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
