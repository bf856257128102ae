import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Reading } from '@shelfwatch/contracts';
import { asserts, ctl, makeEngine, MIN, probe, raises, run, T0, weight } from './timeline.js';

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round1 = (v: number) => Math.round(v * 10) / 10;

describe('properties', () => {
  it('in-limit product with any defrosts and door openings never raises an excursion or spoilage', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 60, maxLength: 360 }),
        fc.array(fc.record({ start: fc.integer({ min: 0, max: 359 }), len: fc.integer({ min: 5, max: 30 }), peak: fc.double({ min: 6, max: 14, noNaN: true }) }), { maxLength: 3 }),
        // Door openings of 1-3 min, at least 20 min apart (a door held open longer is "door ajar").
        fc.array(fc.record({ slot: fc.integer({ min: 0, max: 17 }), len: fc.integer({ min: 1, max: 3 }) }).map((d) => ({ start: d.slot * 20, len: d.len })), { maxLength: 6 }),
        (steps, defrosts, doors) => {
          const { engine } = makeEngine();
          const readings: Reading[] = [];
          const inDefrost = (m: number) => defrosts.find((d) => m >= d.start && m < d.start + d.len);
          const inDoor = (m: number) => doors.some((d) => m >= d.start && m < d.start + d.len);
          let product = 3;
          let wasDefrost = false;
          let wasDoor = false;
          steps.forEach((s, m) => {
            const ts = T0 + m * MIN;
            product = clamp(product + s, 0.5, 4.9);
            const d = inDefrost(m);
            const door = inDoor(m);
            if (!!d !== wasDefrost) readings.push(ctl('case-4', ts, 'case.defrost', !!d));
            if (door !== wasDoor) readings.push(ctl('case-4', ts, 'case.door', door));
            wasDefrost = !!d;
            wasDoor = door;
            const air = d ? d.peak : door ? 11 : clamp(product - 1 + s, -1, 7.5);
            readings.push(ctl('case-4', ts, 'case.air_temperature', round1(air)), probe('probe-4p', 'case-4', ts, round1(product)));
          });
          const ds = run(engine, readings);
          expect(asserts(ds, 'temperature_excursion', 'case:case-4')).toEqual([]);
          expect(asserts(ds, 'spoilage', 'case:case-4')).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any physically possible flapping around 5 °C gives at most one excursion task and one spoilage task', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 30, maxLength: 400 }), (steps) => {
        const { engine } = makeEngine();
        const readings: Reading[] = [];
        let product = 5;
        steps.forEach((s, m) => {
          product = clamp(product + s, 4.1, 7.9);
          readings.push(probe('probe-4p', 'case-4', T0 + m * MIN, round1(product)), ctl('case-4', T0 + m * MIN, 'case.air_temperature', 3));
        });
        const ds = run(engine, readings);
        expect(raises(ds, 'temperature_excursion', 'case:case-4')).toBeLessThanOrEqual(1);
        expect(raises(ds, 'spoilage', 'case:case-4')).toBeLessThanOrEqual(1);
        expect(ds.filter((d) => d.type === 'clear' && d.locationKey === 'case:case-4')).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('any amount of unstable touch noise between stable readings above the reorder point raises no stock task', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ stableUnits: fc.integer({ min: 7, max: 24 }), noise: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }) }), { minLength: 1, maxLength: 40 }),
        (events) => {
          const { engine } = makeEngine({ 'CER-1': 50 });
          const readings: Reading[] = [];
          let ts = T0;
          for (const e of events) {
            for (const u of e.noise) readings.push(weight('slot-1', (ts += 700), u, { stable: false }));
            readings.push(weight('slot-1', (ts += 2000), e.stableUnits));
          }
          const ds = run(engine, readings, ts + 30 * MIN);
          expect(asserts(ds, 'out_of_stock', 'slot:slot-1')).toEqual([]);
          expect(asserts(ds, 'low_stock', 'slot:slot-1')).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
