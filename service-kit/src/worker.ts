import type { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { systemTimers, type TimerHandle, type Timers } from './clock.js';

export interface WorkerOptions {
  /** For the log. */
  name: string;
  logger: Logger;
  /**
   * One pass of work. Resolves with the delay until the next pass (0: at once, when the pass
   * is asynchronous), or undefined for the worker's interval (or, without one, for the next
   * kick). Throwing schedules a retry after backoff. May run synchronously: a synchronous
   * pass also reschedules synchronously, so a manual clock that fires a timer sees the next
   * timer at once.
   */
  pass: (signal: AbortSignal) => Promise<number | undefined | void> | number | undefined | void;
  /** Delay between passes that do not say otherwise; undefined: wait for kick(). */
  intervalMs?: number;
  backoff?: BackoffPolicy;
  timers?: Timers;
  random?: () => number;
  /** A failed pass, before its retry (default: a warning on the first failure in a row and every 20th). */
  onFailure?: (err: unknown, failures: number, delayMs: number) => void;
}

export const DEFAULT_WORKER_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

/**
 * A background loop: runs `pass` when started, when kicked and when its timer is due, one
 * pass at a time. Kicks during a pass coalesce into one more pass right after it; kicks
 * while backing off after a failure wait for the backoff. stop() aborts the pass's signal
 * and waits for it to end.
 */
export class Worker {
  private timer: TimerHandle | undefined;
  /** The pass in progress, when it is asynchronous. */
  private current: Promise<void> | undefined;
  private busy = false;
  private again = false;
  private stopped = true;
  private abort = new AbortController();
  private failureCount = 0;

  constructor(private readonly options: WorkerOptions) {}

  /** Failed passes in a row (0 after a pass that succeeded). */
  get failures(): number {
    return this.failureCount;
  }

  /** Starts with a pass now, or after `delayMs`. */
  start(delayMs = 0): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    if (delayMs > 0) this.schedule(delayMs);
    else this.kick();
  }

  /** There may be new work: a pass now, or right after the running one; while backing off, the backoff stands. */
  kick(): void {
    if (this.failureCount > 0 && this.timer !== undefined) return;
    this.runSoon();
  }

  /** A pass now (or right after the running one), even while backing off; resolves when the passes have run. */
  async runNow(): Promise<void> {
    this.runSoon();
    while (this.current) await this.current;
  }

  /** A long pass reports progress (a session came up): its next failure backs off from the start again. */
  succeeded(): void {
    this.failureCount = 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.abort.abort();
    while (this.current) await this.current;
  }

  private runSoon(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.runPass();
  }

  private runPass(): void {
    this.busy = true;
    this.again = false;
    let result: ReturnType<WorkerOptions['pass']>;
    try {
      result = this.options.pass(this.abort.signal);
    } catch (err) {
      this.after({ ok: false, err }, false);
      return;
    }
    if (result instanceof Promise) {
      this.current = result.then(
        (next) => this.after({ ok: true, next }, true),
        (err: unknown) => this.after({ ok: false, err }, true),
      );
    } else {
      this.after({ ok: true, next: result }, false);
    }
  }

  private after(outcome: { ok: true; next: number | undefined | void } | { ok: false; err: unknown }, async: boolean): void {
    this.busy = false;
    this.current = undefined;
    // A pass that ends because stop() aborted it has not failed.
    if (this.stopped) return;
    let delay: number | undefined;
    if (outcome.ok) {
      this.failureCount = 0;
      delay = outcome.next ?? this.options.intervalMs;
      // Straight on, without a timer's round trip (an asynchronous pass has yielded already).
      if (this.again || (delay === 0 && async)) {
        this.runPass();
        return;
      }
    } else {
      this.failureCount += 1;
      delay = backoffDelay(this.options.backoff ?? DEFAULT_WORKER_BACKOFF, this.failureCount - 1, this.options.random);
      (this.options.onFailure ?? this.logFailure)(outcome.err, this.failureCount, delay);
    }
    if (delay !== undefined) this.schedule(delay);
  }

  private readonly logFailure = (err: unknown, failures: number, delayMs: number): void => {
    const level = failures === 1 || failures % 20 === 0 ? 'warn' : 'debug';
    this.options.logger[level]({ worker: this.options.name, err, failures, delayMs: Math.round(delayMs) }, `${this.options.name} failed; retrying`);
  };

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = (this.options.timers ?? systemTimers).setTimeout(() => {
      this.timer = undefined;
      this.runSoon();
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) (this.options.timers ?? systemTimers).clearTimeout(this.timer);
    this.timer = undefined;
  }
}
