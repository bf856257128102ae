import { describe, expect, it } from 'vitest';
import { BASE_DELAY_MS, GIVE_UP_AFTER_MS, MAX_DELAY_MS, retryDelayMs } from '../../src/webhooks/backoff.js';
import { ManualClock } from '../../src/clock.js';

describe('webhook backoff', () => {
  it('grows exponentially within the jitter band and is capped', () => {
    for (const attempt of [1, 2, 3, 8, 30]) {
      const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      expect(retryDelayMs(attempt, () => 0)).toBe(step / 2);
      expect(retryDelayMs(attempt, () => 1)).toBe(step);
    }
  });

  it('keeps retrying for more than a day before giving up', () => {
    let t = 0;
    let attempts = 0;
    while (t < GIVE_UP_AFTER_MS) t += retryDelayMs(++attempts, () => 1);
    expect(GIVE_UP_AFTER_MS).toBeGreaterThan(24 * 3_600_000);
    expect(attempts).toBeGreaterThan(20);
  });
});

describe('ManualClock', () => {
  it('fires due timers in time order, including timers set by timers', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 50);
    }, 100);
    const cancelled = clock.setTimeout(() => fired.push('never'), 10);
    clock.clearTimeout(cancelled);
    clock.advance(500);
    expect(fired).toEqual(['a@1100', 'c@1150', 'b@1200']);
    expect(clock.now()).toBe(1500);
  });
});
