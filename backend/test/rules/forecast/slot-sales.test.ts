import { describe, expect, it } from 'vitest';
import { DemandProfile } from '../../../src/rules/forecast/demand-profile.js';
import { TradingDay } from '../../../src/rules/forecast/trading-day.js';
import { SlotSales } from '../../../src/rules/forecast/slot-sales.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 6, 0, 0);

describe('slot sales from confirmed steps', () => {
  it('a step down is a sale once it has held; a unit put back sooner was never sold', () => {
    const s = new SlotSales(3 * MIN, 180 * MIN);
    s.observe('weight', T0, 10);
    s.observe('weight', T0 + MIN, 9); // a sale
    s.observe('weight', T0 + 2 * MIN, 8); // a shopper reads the label...
    s.observe('weight', T0 + 3 * MIN, 9); // ...and puts it back
    expect(s.confirm(T0 + 10 * MIN)).toEqual([{ ts: T0 + MIN, units: 1 }]);
    expect(s.totalSales).toBe(1);
  });

  it('a restock is no sale and cancels nothing already confirmed', () => {
    const s = new SlotSales(3 * MIN, 180 * MIN);
    s.observe('weight', T0, 5);
    s.observe('weight', T0 + MIN, 3);
    s.confirm(T0 + 5 * MIN);
    s.observe('weight', T0 + 6 * MIN, 16);
    expect(s.confirm(T0 + 20 * MIN)).toEqual([]);
    expect(s.totalSales).toBe(2);
  });

  it('a change of source starts over: the camera counts lanes, the scale units', () => {
    const s = new SlotSales(3 * MIN, 180 * MIN);
    s.observe('weight', T0, 10);
    s.observe('camera', T0 + MIN, 4);
    s.observe('camera', T0 + 2 * MIN, 0);
    expect(s.confirm(T0 + 10 * MIN)).toEqual([{ ts: T0 + 2 * MIN, units: 4 }]);
  });

  it('old sales fade with the half-life, the pace (sales over time) stays', () => {
    const s = new SlotSales(0, 60 * MIN);
    s.observe('weight', T0, 10);
    s.observe('weight', T0, 6);
    s.confirm(T0);
    s.addExposure(T0, 2);
    s.addExposure(T0 + 60 * MIN, 0);
    expect(s.sales).toBeCloseTo(2, 6);
    expect(s.exposureH).toBeCloseTo(1, 6);
  });
});

const priors = (hourPriorHours: number) => ({ hourPriorHours, weekdayPriorDays: 4 });
/** Event time of an hour of the day (UTC) on the second day. */
const at = (hour: number) => Date.UTC(2026, 10, 24, hour);

describe('store time-of-day pattern', () => {
  it('learns that an hour sells more than the average hour, and leans on the average where it has little data', () => {
    const p = new DemandProfile('UTC', priors(2));
    expect(p.intensityAt(at(9))).toBe(1);
    // Two days: 10 sales at 9:00, 2 at 14:00, one hour watched each.
    for (const day of [0, 1]) {
      const base = T0 + day * 24 * 60 * MIN;
      for (let m = 0; m < 60; m += 1) {
        p.observeMinute(base + 3 * 60 * MIN + m * MIN);
        p.observeMinute(base + 8 * 60 * MIN + m * MIN);
      }
      p.sale(base + 3 * 60 * MIN, 10);
      p.sale(base + 8 * 60 * MIN, 2);
    }
    expect(p.intensityAt(at(9))).toBeGreaterThan(1.3);
    expect(p.intensityAt(at(14))).toBeLessThan(0.7);
    expect(p.intensityAt(at(20))).toBeCloseTo(1, 9);
  });

  it('maps trading hours to clock time through the pattern, in the store\'s time zone', () => {
    const p = new DemandProfile('Europe/Berlin', priors(0));
    expect(p.localHour(Date.UTC(2026, 10, 23, 6, 30))).toBe(7);
    expect(p.clockAfter(T0, 1.5, 24)).toBe(T0 + 90 * MIN);
    expect(p.clockAfter(T0, 30, 24)).toBeNull();
  });

  it('counts neither trading time nor expected sales while the store is closed', () => {
    // Open 07:00–22:00 UTC; T0 is 06:00 UTC.
    const p = new DemandProfile('UTC', priors(0), new TradingDay('UTC', '22:00', '07:00'));
    for (let m = 0; m < 24 * 60; m += 1) p.observeMinute(T0 + m * MIN);
    for (let h = 1; h <= 15; h += 1) p.sale(T0 + h * 60 * MIN, 1);
    // Fifteen open hours watched, one sale an hour on average: the night is not slow trading.
    expect(p.intensityAt(T0 + 3 * 60 * MIN)).toBeCloseTo(1, 6);
    expect(p.intensityAt(T0 + 18 * 60 * MIN)).toBe(0);
    // 21:00 plus two trading hours: the last open hour tonight, the first tomorrow at 07:00, done at 08:00.
    expect(p.clockAfter(T0 + 15 * 60 * MIN, 2, 24)).toBe(T0 + 26 * 60 * MIN);
    expect(p.tradingHoursBetween(T0 + 15 * 60 * MIN, T0 + 26 * 60 * MIN)).toBeCloseTo(2, 6);
  });

  it('an unknown time zone falls back to UTC hours instead of failing', () => {
    expect(new DemandProfile('Mars/Olympus', priors(2)).localHour(Date.UTC(2026, 0, 1, 13))).toBe(13);
  });
});
