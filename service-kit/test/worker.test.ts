import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { Worker, type WorkerOptions } from '../src/worker.js';

const logger = pino({ level: 'silent' });

/** A pass the test finishes by hand. */
function gate() {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

function worker(options: Partial<WorkerOptions> & Pick<WorkerOptions, 'pass'>, clock = new ManualClock(0)) {
  return { w: new Worker({ name: 'test', logger, timers: clock, random: () => 1, ...options }), clock };
}

describe('Worker', () => {
  it('runs a pass on start, then on each interval', () => {
    let passes = 0;
    const { w, clock } = worker({ pass: () => void passes++, intervalMs: 1000 });
    w.start();
    expect(passes).toBe(1);
    clock.advance(999);
    expect(passes).toBe(1);
    clock.advance(5001);
    expect(passes).toBe(7);
  });

  it('can start after a delay', () => {
    let passes = 0;
    const { w, clock } = worker({ pass: () => void passes++, intervalMs: 1000 });
    w.start(1000);
    expect(passes).toBe(0);
    clock.advance(1000);
    expect(passes).toBe(1);
  });

  it('coalesces kicks during a pass into one more pass after it', async () => {
    const gates = [gate(), gate()];
    let passes = 0;
    const { w } = worker({ pass: () => gates[passes++]!.promise });
    w.start();
    w.kick();
    w.kick();
    w.kick();
    expect(passes).toBe(1);
    gates[0]!.open();
    await Promise.resolve();
    await Promise.resolve();
    expect(passes).toBe(2);
    gates[1]!.open();
    await w.runNow();
    expect(passes).toBe(3);
    await w.stop();
  });

  it('waits for a kick when neither the pass nor an interval says when to run again', async () => {
    let passes = 0;
    const { w, clock } = worker({ pass: () => void passes++ });
    w.start();
    clock.advance(3_600_000);
    expect(passes).toBe(1);
    w.kick();
    expect(passes).toBe(2);
    expect(clock.pendingTimers()).toBe(0);
    await w.stop();
  });

  it('runs again when the pass says', () => {
    const at: number[] = [];
    const clock = new ManualClock(0);
    const { w } = worker({ pass: () => (at.push(clock.now()), 250), intervalMs: 1000 }, clock);
    w.start();
    clock.advance(600);
    expect(at).toEqual([0, 250, 500]);
  });

  it('runs an asynchronous pass that asks for 0 ms again straight away, without a timer', async () => {
    let passes = 0;
    const { w, clock } = worker({ pass: async () => (++passes < 5 ? 0 : undefined) });
    w.start();
    await w.runNow();
    expect(passes).toBe(5);
    expect(clock.pendingTimers()).toBe(0);
    await w.stop();
  });

  it('stop() aborts the running pass and waits for it to end', async () => {
    let aborted = false;
    let ended = false;
    const { w, clock } = worker({
      pass: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            setImmediate(() => {
              ended = true;
              resolve();
            });
          }),
        ),
      intervalMs: 10,
    });
    w.start();
    await w.stop();
    expect(aborted).toBe(true);
    expect(ended).toBe(true);
    // Stopped: no more timers, kicks do nothing, and the aborted pass counted as no failure.
    expect(clock.pendingTimers()).toBe(0);
    expect(w.failures).toBe(0);
    w.kick();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('backs off exponentially after failures, holds kicks back meanwhile, and resets after a success', () => {
    const at: number[] = [];
    const failures: { failures: number; delayMs: number }[] = [];
    let failing = true;
    const clock = new ManualClock(0);
    const { w } = worker(
      {
        pass: () => {
          at.push(clock.now());
          if (failing) throw new Error('peer down');
        },
        intervalMs: 60_000,
        backoff: { initialMs: 100, maxMs: 1000 },
        onFailure: (_err, n, delayMs) => failures.push({ failures: n, delayMs }),
      },
      clock,
    );
    w.start();
    w.kick();
    expect(at).toEqual([0]);
    clock.advance(100 + 200 + 400 + 800 + 1000);
    // random() = 1: the full step each time, doubling up to the cap.
    expect(at).toEqual([0, 100, 300, 700, 1500, 2500]);
    expect(failures.map((f) => f.delayMs)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(w.failures).toBe(6);
    failing = false;
    clock.advance(1000);
    expect(w.failures).toBe(0);
    // Back on its interval.
    clock.advance(60_000);
    expect(at).toEqual([0, 100, 300, 700, 1500, 2500, 3500, 63_500]);
    w.kick();
    expect(at.length).toBe(9);
  });

  it('backs off after a failed asynchronous pass, and runNow() overrides the backoff', async () => {
    let passes = 0;
    const { w, clock } = worker({ pass: async () => {
        if (passes++ === 0) throw new Error('down');
      }, backoff: { initialMs: 1000, maxMs: 1000 } });
    w.start();
    await w.runNow();
    // The first pass failed: a retry is due in 1 s, and a kick does not jump it.
    expect(passes).toBe(1);
    expect(clock.pendingTimers()).toBe(1);
    w.kick();
    expect(passes).toBe(1);
    await w.runNow();
    expect(passes).toBe(2);
    expect(w.failures).toBe(0);
    await w.stop();
  });

  it('succeeded() restarts the backoff of a pass that fails after it made progress', () => {
    const delays: number[] = [];
    let passes = 0;
    const clock = new ManualClock(0);
    const w: Worker = worker(
      {
        pass: () => {
          passes++;
          if (passes === 4) w.succeeded();
          throw new Error('connection lost');
        },
        backoff: { initialMs: 100, maxMs: 10_000 },
        onFailure: (_err, _n, delayMs) => delays.push(delayMs),
      },
      clock,
    ).w;
    w.start();
    clock.advance(100 + 200 + 400 + 100);
    expect(delays).toEqual([100, 200, 400, 100, 200]);
  });
});
