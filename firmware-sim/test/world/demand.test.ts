import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMAND_CURVE, demandRatePerS } from '../../src/world/demand.js';
import { Rng } from '../../src/world/rng.js';

describe('demand', () => {
  it('spreads a day of units over the hours in proportion to the curve', () => {
    const perDay = 240;
    const total = Array.from({ length: 24 }, (_, h) => demandRatePerS(perDay, DEFAULT_DEMAND_CURVE, h) * 3600).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(perDay, 6);
    expect(demandRatePerS(perDay, DEFAULT_DEMAND_CURVE, 3)).toBe(0);
    expect(demandRatePerS(perDay, DEFAULT_DEMAND_CURVE, 18)).toBeGreaterThan(demandRatePerS(perDay, DEFAULT_DEMAND_CURVE, 9));
  });

  it('Poisson arrivals per second follow the curve on average over many days', () => {
    const rng = new Rng(42, 'demand');
    const perDay = 100;
    const days = 30;
    const byHour = new Array<number>(24).fill(0);
    for (let d = 0; d < days; d++) {
      for (let s = 0; s < 86_400; s += 10) {
        const hour = Math.floor(s / 3600);
        byHour[hour]! += rng.poisson(demandRatePerS(perDay, DEFAULT_DEMAND_CURVE, hour) * 10);
      }
    }
    const curveTotal = DEFAULT_DEMAND_CURVE.reduce((a, b) => a + b, 0);
    for (const hour of [8, 12, 18]) {
      const expected = (perDay * days * DEFAULT_DEMAND_CURVE[hour]!) / curveTotal;
      expect(Math.abs(byHour[hour]! - expected)).toBeLessThan(4 * Math.sqrt(expected));
    }
    expect(byHour[2]).toBe(0);
    const total = byHour.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - perDay * days)).toBeLessThan(4 * Math.sqrt(perDay * days));
  });

  it('multiplies the rate during a rush', () => {
    expect(demandRatePerS(100, DEFAULT_DEMAND_CURVE, 12, 3)).toBeCloseTo(3 * demandRatePerS(100, DEFAULT_DEMAND_CURVE, 12), 12);
  });
});
