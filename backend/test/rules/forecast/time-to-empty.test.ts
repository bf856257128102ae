import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanRate, probEmptyWithin, tradingHoursToEmpty } from '../../../src/rules/forecast/time-to-empty.js';

describe('time to empty (negative binomial)', () => {
  it('a certain rate gives the Erlang answer: one unit left at 2 per hour is gone within 30 min with 1 − e⁻¹', () => {
    // A belief from a huge number of sales is practically a known rate.
    const known = { shape: 2e6, exposureH: 1e6 };
    expect(probEmptyWithin(1, known, 0.5)).toBeCloseTo(1 - Math.exp(-1), 4);
    // Two units: P(N ≥ 2) = 1 − e^{-λx}(1 + λx).
    expect(probEmptyWithin(2, known, 1)).toBeCloseTo(1 - Math.exp(-2) * 3, 4);
    expect(tradingHoursToEmpty(1, known, 0.5, 100)).toBeCloseTo(Math.log(2) / 2, 3);
  });

  it('few sales behind a rate spread the forecast: its cautious time is earlier, its sure time later', () => {
    const few = { shape: 3, exposureH: 1.5 };
    const many = { shape: 300, exposureH: 150 };
    expect(meanRate(few)).toBe(meanRate(many));
    expect(tradingHoursToEmpty(4, few, 0.1, 100)!).toBeLessThan(tradingHoursToEmpty(4, many, 0.1, 100)!);
    expect(tradingHoursToEmpty(4, few, 0.95, 100)!).toBeGreaterThan(tradingHoursToEmpty(4, many, 0.95, 100)!);
  });

  it('no stock is empty now; no evidence or a horizon too short gives no answer', () => {
    expect(tradingHoursToEmpty(0, { shape: 1, exposureH: 1 }, 0.5, 10)).toBe(0);
    expect(tradingHoursToEmpty(3, { shape: 0, exposureH: 0 }, 0.5, 10)).toBeNull();
    expect(tradingHoursToEmpty(100, { shape: 10, exposureH: 10 }, 0.5, 2)).toBeNull();
  });

  it('probabilities stay in [0, 1], grow with time, fall with units; quantiles are ordered', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 20, noNaN: true }),
        (units, shape, exposureH, x) => {
          const b = { shape, exposureH };
          const p = probEmptyWithin(units, b, x);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(probEmptyWithin(units, b, x * 2)).toBeGreaterThanOrEqual(p - 1e-12);
          expect(probEmptyWithin(units + 1, b, x)).toBeLessThanOrEqual(p + 1e-12);
          const q10 = tradingHoursToEmpty(units, b, 0.1, 1e4);
          const q95 = tradingHoursToEmpty(units, b, 0.95, 1e4);
          if (q10 !== null && q95 !== null) expect(q10).toBeLessThanOrEqual(q95);
        },
      ),
      { seed: 1507, numRuns: 300 },
    );
  });

  it('is calibrated: with seeded Poisson sales at a known rate, the slot is empty by the 10 % time about 10 % of the time', () => {
    // mulberry32: a seeded uniform generator, so the check is the same on every run.
    let state = 1507;
    const uniform = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const rate = 3;
    const known = { shape: 3e5, exposureH: 1e5 };
    const q10 = tradingHoursToEmpty(5, known, 0.1, 100)!;
    const runs = 4000;
    let early = 0;
    for (let r = 0; r < runs; r += 1) {
      let t = 0;
      for (let k = 0; k < 5; k += 1) t += -Math.log(1 - uniform()) / rate;
      if (t <= q10) early += 1;
    }
    expect(early / runs).toBeGreaterThan(0.085);
    expect(early / runs).toBeLessThan(0.115);
  });
});
