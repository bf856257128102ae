/**
 * Time is injected everywhere so the task state machine, escalation and webhook retries
 * can be driven by tests (and accelerated simulations) without sleeping.
 */
export interface Clock {
  now(): number;
}

export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Timers must never keep a closing process alive; close() stops the owners anyway.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A clock and timer queue that only move when told to: for tests and replays. */
export class ManualClock implements Clock, Timers {
  private current: number;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { at: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'object' && handle !== null && 'id' in handle && typeof handle.id === 'number') this.pending.delete(handle.id);
  }

  /** Moves time forward, firing due timers in time order (timers they set fire too if due). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let nextKey: number | undefined;
      let nextAt = Infinity;
      for (const [key, t] of this.pending) {
        if (t.at <= target && t.at < nextAt) {
          nextAt = t.at;
          nextKey = key;
        }
      }
      if (nextKey === undefined) break;
      const timer = this.pending.get(nextKey);
      this.pending.delete(nextKey);
      this.current = Math.max(this.current, nextAt);
      timer?.fn();
    }
    this.current = target;
  }

  pendingTimers(): number {
    return this.pending.size;
  }
}
