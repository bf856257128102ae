import { describe, expect, it } from 'vitest';
import { BASE_DELAY_MS, GIVE_UP_AFTER_MS, MAX_DELAY_MS, retryDelayMs } from '../../src/webhooks/backoff.js';

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
