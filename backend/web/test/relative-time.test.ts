import { describe, expect, it } from 'vitest';
import { duration, relativeTime } from '../src/relative-time.js';

const MIN = 60_000;

describe('relative time', () => {
  it('reads as short words', () => {
    expect(relativeTime(0, 30_000)).toBe('just now');
    expect(relativeTime(0, 47 * MIN)).toBe('47 min ago');
    expect(relativeTime(0, 120 * MIN)).toBe('2 h ago');
    expect(relativeTime(0, 125 * MIN)).toBe('2 h 5 min ago');
    expect(relativeTime(0, 24 * 60 * MIN)).toBe('1 day ago');
    expect(relativeTime(0, 72 * 60 * MIN)).toBe('3 days ago');
  });

  it('never says "in the future" when the clock is behind', () => {
    expect(relativeTime(10 * MIN, 0)).toBe('just now');
  });

  it('formats durations', () => {
    expect(duration(47)).toBe('47 min');
    expect(duration(120)).toBe('2 h');
    expect(duration(135.4)).toBe('2 h 15 min');
  });
});
