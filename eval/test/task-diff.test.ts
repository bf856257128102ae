import type { Reading } from '@shelfwatch/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveryBatches, DELIVERY_MODES } from '../src/delivery-plans.js';
import { canonicalTasks, describeTaskDiff, diffTaskLists } from '../src/task-diff.js';
import { at, task } from './fixtures.js';

const until = { untilMs: at(600) };

describe('canonical task lists', () => {
  it('keeps what the readings decide and drops what follows the wall clock, the API or the shutdown', () => {
    const excursion = task('temperature_excursion', 'case:case-deli', 10);
    excursion.history.push({ at: at(40), by: 'system', action: 'escalated', text: 'nobody acknowledged' });
    excursion.history.push({ at: at(45), by: 'system', action: 'updated', text: 'check the product' });
    excursion.history.push({ at: at(50), by: 'anna', action: 'acknowledged', text: 'on it' });
    const tasks = [
      excursion,
      task('delivery_receive', 'delivery:sup-1:d1', 20),
      task('sensor_fault', 'gateway:store-1', 30),
      task('sensor_fault', 'device:probe-1', 700),
    ];
    const canonical = canonicalTasks(tasks, until);
    expect(canonical.map((t) => t.locationKey)).toEqual(['case:case-deli']);
    expect(canonical[0]!.history.map((h) => h.action)).toEqual(['raised', 'updated']);
  });
});

describe('task list diff', () => {
  it('finds nothing between a list and itself in another order', () => {
    const tasks = [task('out_of_stock', 'slot:a', 5), task('out_of_stock', 'slot:a', 60, 90), task('low_stock', 'slot:b', 5)];
    const diff = diffTaskLists(canonicalTasks(tasks, until), canonicalTasks([...tasks].reverse(), until));
    expect(diff).toMatchObject({ same: true, extra: [], missing: [], changed: [], maxDelayS: 0 });
    expect(describeTaskDiff(diff, { reference: 'live', other: 'replay' })).toBe('replay: the same tasks as live');
  });

  it('reports an extra task, a late one with its delay, and a changed course, in words', () => {
    const live = [task('out_of_stock', 'slot:a', 5), task('temperature_excursion', 'case:c', 30), task('low_stock', 'slot:b', 7)];
    const replayExcursion = task('temperature_excursion', 'case:c', 30);
    replayExcursion.history.push({ at: at(90), by: 'system', action: 'resolved', text: 'back in range' });
    const replay = [task('out_of_stock', 'slot:a', 50), replayExcursion, task('low_stock', 'slot:b', 7), task('sensor_fault', 'device:probe-1', 12)];
    const diff = diffTaskLists(canonicalTasks(live, until), canonicalTasks(replay, until));
    expect(diff.same).toBe(false);
    expect(diff.extra.map((t) => t.locationKey)).toEqual(['device:probe-1', 'slot:a']);
    expect(diff.missing.map((t) => t.locationKey)).toEqual(['slot:a']);
    expect(diff.changed.map((c) => c.fields)).toEqual([['history']]);
    expect(diff.maxDelayS).toBe(45 * 60);
    const text = describeTaskDiff(diff, { reference: 'live', other: 'shuffled' });
    expect(text).toContain('shuffled differs from live: 2 extra, 1 missing, 1 changed task(s), raised up to 2700 s later');
    expect(text).toContain('+ only in shuffled: sensor_fault at device:probe-1');
    expect(text).toContain('~ temperature_excursion at case:c');
    expect(text).toContain('resolved');
  });
});

const reading = (id: string, ts: number, kind: 'probe' | 'weight'): Reading =>
  kind === 'probe'
    ? { kind: 'probe.temperature', id, storeId: 'store-1', deviceId: 'probe-1', ts, caseId: 'case-deli', placement: 'air', tempC: 3, fault: null, batteryPct: 90, rssiDbm: -60 }
    : { kind: 'shelf.weight', id, storeId: 'store-1', deviceId: 'board-1', ts, shelfId: 'a1-s1', slotId: 'a1-s1-1', sku: 'PASTA-500', channel: 0, rawCounts: 1, grams: 500, units: 1, stable: true, fault: null };

describe('delivery plans', () => {
  const WINDOW = 10 * 60_000;
  it('deliver every reading once, and never one later than the reordering window behind the newest delivered', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 * 3_600_000 }), fc.boolean()), { maxLength: 400 }), fc.integer(), (items, seed) => {
        const readings = items.map(([ts, probe], i) => reading(`r${i}`, at(0) + ts, probe ? 'probe' : 'weight')).sort((a, b) => a.ts - b.ts);
        for (const mode of DELIVERY_MODES) {
          const sent = deliveryBatches(readings, mode, { windowMs: WINDOW, seed }).flat();
          expect(sent.map((r) => r.id).sort()).toEqual(readings.map((r) => r.id).sort());
          let newest = -Infinity;
          for (const r of sent) {
            newest = Math.max(newest, r.ts);
            expect(newest - r.ts).toBeLessThan(WINDOW);
          }
        }
      }),
      { seed: 12, numRuns: 60 },
    );
  });

  it('adds no lateness beyond the window to a reading that was already late live', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_600_000 }), fc.boolean(), fc.integer({ min: 0, max: 0.8 * WINDOW })), { minLength: 50, maxLength: 300 }),
        fc.integer(),
        (items, seed) => {
          // Live order: by arrival, each reading having come up to 8 min after its event time.
          const live = items
            .map(([ts, probe, lateBy], i) => ({ r: reading(`r${i}`, at(0) + ts, probe ? 'probe' : 'weight'), arrival: at(0) + ts + lateBy }))
            .sort((a, b) => a.arrival - b.arrival);
          // One device's stream is ordered: keep each device's readings in event-time order along the live order.
          for (const device of ['probe-1', 'board-1']) {
            const slots = live.filter((x) => x.r.deviceId === device);
            const sorted = slots.map((x) => x.r).sort((a, b) => a.ts - b.ts);
            slots.forEach((x, k) => (x.r = sorted[k]!));
          }
          const liveLateness = new Map<string, number>();
          let newest = -Infinity;
          for (const { r } of live) {
            newest = Math.max(newest, r.ts);
            liveLateness.set(r.id, newest - r.ts);
          }
          for (const mode of DELIVERY_MODES) {
            let front = -Infinity;
            for (const r of deliveryBatches(live.map((x) => x.r), mode, { windowMs: WINDOW, seed }).flat()) {
              front = Math.max(front, r.ts);
              expect(front - r.ts).toBeLessThanOrEqual(Math.max(liveLateness.get(r.id)!, 0.8 * WINDOW));
            }
          }
        },
      ),
      { seed: 14, numRuns: 60 },
    );
  });

  it('late: a reading that came 5 min late live arrives 8 min behind its event time, not 13', () => {
    const minutes = [6, 7, 8, 9, 10, 11, 12, 13, 14];
    const live = [reading('w0', at(0), 'weight'), reading('w5', at(5), 'weight'), reading('p0', at(0), 'probe'), ...minutes.map((m) => reading(`w${m}`, at(m), 'weight'))];
    const sent = deliveryBatches(live, 'late', { windowMs: WINDOW, seed: 1 }).flat().map((r) => r.id);
    expect(sent.indexOf('p0')).toBe(sent.indexOf('w7') + 1);
  });

  it('keeps every device\'s own readings in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3_600_000 }), fc.boolean()), { maxLength: 300 }), fc.integer(), (items, seed) => {
        const readings = items.map(([ts, probe], i) => reading(`r${i}`, at(0) + ts, probe ? 'probe' : 'weight')).sort((a, b) => a.ts - b.ts);
        for (const mode of DELIVERY_MODES) {
          const sent = deliveryBatches(readings, mode, { windowMs: WINDOW, seed }).flat();
          for (const device of ['probe-1', 'board-1']) {
            expect(sent.filter((r) => r.deviceId === device).map((r) => r.id)).toEqual(readings.filter((r) => r.deviceId === device).map((r) => r.id));
          }
        }
      }),
      { seed: 13, numRuns: 60 },
    );
  });

  it('backlog keeps the live order; late puts the MQTT devices behind; shuffled is the same for the same seed', () => {
    const readings = [reading('w1', at(0), 'weight'), reading('p1', at(1), 'probe'), reading('w2', at(2), 'weight'), reading('w3', at(20), 'weight')];
    const ids = (mode: (typeof DELIVERY_MODES)[number], seed = 1) => deliveryBatches(readings, mode, { windowMs: WINDOW, seed }).flat().map((r) => r.id);
    expect(ids('backlog')).toEqual(['w1', 'p1', 'w2', 'w3']);
    expect(ids('late')).toEqual(['w1', 'w2', 'p1', 'w3']);
    expect(ids('shuffled', 7)).toEqual(ids('shuffled', 7));
  });
});
