import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Reading } from '@shelfwatch/contracts';
import { asserts, clears, ctl, makeEngine, MIN, NO_FORECAST, probe, raises, run, steady, T0, weight } from './timeline.js';
import { probeNoise } from './case-sim.js';

const round1 = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Normal operation of a multideck: the compressor holds the air near 2 °C (± its cycling), up to
 * four defrosts of 5–30 min at least two hours apart (a longer one is a stuck heater, which the
 * rules rightly alarm on), and door openings of 1–3 min at least 20 min apart.
 */
const normalDay = fc.record({
  minutes: fc.integer({ min: 60, max: 360 }),
  wobble: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 360, maxLength: 360 }),
  defrosts: fc.uniqueArray(fc.record({ slot: fc.integer({ min: 0, max: 2 }), len: fc.integer({ min: 5, max: 30 }), peak: fc.double({ min: 6, max: 14, noNaN: true }) }), { maxLength: 3, selector: (d) => d.slot }),
  doors: fc.uniqueArray(fc.record({ slot: fc.integer({ min: 0, max: 17 }), len: fc.integer({ min: 1, max: 3 }) }), { maxLength: 6, selector: (d) => d.slot }),
});

// Each run simulates hours of a case: generous timeouts keep a loaded machine from failing them.
describe('properties', { timeout: 60_000 }, () => {
  it('in-limit product with any normal defrosts and door openings never raises an excursion', () => {
    fc.assert(
      fc.property(normalDay, ({ minutes, wobble, defrosts, doors }) => {
        const { engine } = makeEngine();
        const readings: Reading[] = [ctl('case-4', T0, 'case.compressor', true)];
        const defrost = (m: number) => defrosts.find((d) => m >= 20 + d.slot * 120 && m < 20 + d.slot * 120 + d.len);
        const door = (m: number) => doors.some((d) => m >= 10 + d.slot * 20 && m < 10 + d.slot * 20 + d.len);
        let product = 3;
        let wasDefrost = false;
        let wasDoor = false;
        for (let m = 0; m < minutes; m += 1) {
          const ts = T0 + m * MIN;
          const d = defrost(m);
          const open = door(m);
          if (!!d !== wasDefrost) readings.push(ctl('case-4', ts, 'case.defrost', !!d));
          if (open !== wasDoor) readings.push(ctl('case-4', ts, 'case.door', open));
          wasDefrost = !!d;
          wasDoor = open;
          const air = d ? d.peak : open ? 11 : 2 + wobble[m]!;
          // The product simulant lags the air (τ = 2 h).
          product += (air - product) * (1 - Math.exp(-1 / 120));
          readings.push(ctl('case-4', ts, 'case.air_temperature', round1(air)), probe('probe-4p', 'case-4', ts, round2(product + probeNoise(m))));
        }
        const ds = run(engine, readings);
        expect(asserts(ds, 'temperature_excursion', 'case:case-4')).toEqual([]);
        expect(asserts(ds, 'sensor_fault', 'probe-data:probe-4p')).toEqual([]);
      }),
      { seed: 1201, numRuns: 30 },
    );
  });

  it('any air that keeps the product flapping around 5 °C gives one excursion task that never clears in between', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 4.6, max: 9, noNaN: true }), { minLength: 8, maxLength: 40 }), (levels) => {
        const { engine } = makeEngine();
        const readings: Reading[] = [ctl('case-4', T0, 'case.compressor', true)];
        // Each level holds the air for 10 min; the product follows with τ = 30 min.
        let product = 5;
        for (let m = 0; m < levels.length * 10; m += 1) {
          const air = levels[Math.floor(m / 10)]!;
          product += (air - product) * (1 - Math.exp(-1 / 30));
          readings.push(probe('probe-4p', 'case-4', T0 + m * MIN, round2(product + probeNoise(m))), ctl('case-4', T0 + m * MIN, 'case.air_temperature', round1(air)));
        }
        const ds = run(engine, readings);
        expect(raises(ds, 'temperature_excursion', 'case:case-4')).toBeLessThanOrEqual(1);
        expect(clears(ds, 'temperature_excursion', 'case:case-4')).toEqual([]);
        expect(asserts(ds, 'spoilage')).toEqual([]);
      }),
      { seed: 1202, numRuns: 30 },
    );
  });

  it('any amount of unstable touch noise between stable readings above the reorder point raises no stock task', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ stableUnits: fc.integer({ min: 7, max: 24 }), noise: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }) }), { minLength: 1, maxLength: 40 }),
        (events) => {
          // The stable levels jump by many units within seconds: real sales to the forecast, which may then warn.
          const { engine } = makeEngine({ 'CER-1': 50 }, NO_FORECAST);
          const readings: Reading[] = [];
          let ts = T0;
          for (const e of events) {
            for (const u of e.noise) readings.push(weight('slot-1', (ts += 700), u, { stable: false }));
            readings.push(weight('slot-1', (ts += 2000), e.stableUnits));
          }
          const ds = run(engine, steady(readings, ts + 30 * MIN), ts + 30 * MIN);
          expect(asserts(ds, 'out_of_stock', 'slot:slot-1')).toEqual([]);
          expect(asserts(ds, 'low_stock', 'slot:slot-1')).toEqual([]);
        },
      ),
      { seed: 1203, numRuns: 100 },
    );
  });
});
