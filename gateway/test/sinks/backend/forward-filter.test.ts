import { describe, expect, it } from 'vitest';
import { ForwardFilter } from '../../../src/sinks/backend/forward-filter.js';
import { probeReading, weightReading } from '@shelfwatch/test-support';

describe('ForwardFilter', () => {
  it('forwards weight readings on stable unit changes, flag flips and heartbeats only', () => {
    const f = new ForwardFilter({ heartbeatMs: 60_000 });
    const seq = [
      [weightReading(1, 0, 5, false), true], // first
      [weightReading(2, 500, 5, false), false],
      [weightReading(3, 2000, 5, true), true], // became stable
      [weightReading(4, 3000, 5, true), false],
      [weightReading(5, 4000, 9, false), true], // hand on the shelf: stable flips
      [weightReading(6, 4200, 12, false), false], // unstable noise
      [weightReading(7, 7000, 4, true), true], // settled at a new level
      [weightReading(8, 8000, 4, true), false],
      [weightReading(9, 67_000, 4, true), true], // heartbeat
      [weightReading(10, 67_500, 4, true, 'saturated'), true], // fault flips
    ] as const;
    expect(seq.map(([r]) => f.accepts(r))).toEqual(seq.map(([, want]) => want));
  });

  it('forwards everything that is not a weight sample', () => {
    const f = new ForwardFilter({ heartbeatMs: 60_000 });
    expect(f.accepts(probeReading(1))).toBe(true);
    expect(f.accepts(probeReading(2))).toBe(true);
  });
});
