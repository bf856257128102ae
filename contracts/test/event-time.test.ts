import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEventTime, describeEventTime, EpochMs } from '../src/index.js';

const bound = { maxAheadMs: 5 * 60_000, maxAgeMs: 24 * 3_600_000 };

describe('event-time bound', () => {
  it('property: ok exactly inside [now - maxAge, now + maxAhead], otherwise the side it is on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8_640_000_000_000 }), fc.integer({ min: 86_400_000, max: 8_000_000_000_000 }), (ts, now) => {
        const verdict = checkEventTime(ts, now, bound);
        expect(verdict).toBe(ts > now + bound.maxAheadMs ? 'ts_ahead' : ts < now - bound.maxAgeMs ? 'ts_too_old' : 'ok');
      }),
      { numRuns: 2000, seed: 51 },
    );
  });

  it('holds at the edges and for the whole range an EpochMs can take', () => {
    const now = Date.UTC(2026, 10, 29);
    expect(checkEventTime(now + bound.maxAheadMs, now, bound)).toBe('ok');
    expect(checkEventTime(now + bound.maxAheadMs + 1, now, bound)).toBe('ts_ahead');
    expect(checkEventTime(now - bound.maxAgeMs, now, bound)).toBe('ok');
    expect(checkEventTime(now - bound.maxAgeMs - 1, now, bound)).toBe('ts_too_old');
    expect(EpochMs.safeParse(4_102_444_800_000).success).toBe(true);
    expect(checkEventTime(4_102_444_800_000, now, bound)).toBe('ts_ahead');
    expect(describeEventTime(4_102_444_800_000, now)).toBe("ts 2100-01-01T00:00:00.000Z is 73.1 years ahead of the receiver's clock");
    expect(describeEventTime(now - 3 * 86_400_000, now)).toContain('3.0 days behind');
  });
});
