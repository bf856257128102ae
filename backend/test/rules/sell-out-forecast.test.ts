import { FORECAST_HORIZON_EVIDENCE, StoreLayout } from '@shelfwatch/contracts';
import type { Reading } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { asserts, clears, layout, makeEngine, MIN, raises, run, steady, T0, weight } from './timeline.js';

const KEY = 'slot:slot-4';
const at = (m: number) => T0 + m * MIN;

/** The test store with slot-4 (black tea, no camera) reordered at one unit, so the forecast speaks first. */
const lowReorder = StoreLayout.parse({
  ...layout,
  shelves: layout.shelves.map((s) => ({ ...s, slots: s.slots.map((sl) => (sl.id === 'slot-4' ? { ...sl, reorderPoint: 1 } : sl)) })),
});

/** A slot selling one unit every `everyMin` minutes from `from` units, for `sales` sales, then quiet (the scale keeps reporting). */
function selling(from: number, everyMin: number, sales: number, until: number): Reading[] {
  const rs: Reading[] = [weight('slot-4', at(0), from)];
  for (let i = 1; i <= sales; i += 1) rs.push(weight('slot-4', at(i * everyMin), from - i));
  return steady(rs, until);
}

describe('sell-outs ahead of time', () => {
  it('a steady seller gets "Restock before HH:MM" while stock is left, early enough to act, and it gives way to out of stock if nobody acts', () => {
    const { engine } = makeEngine({ 'TEA-1': 40 }, { layout: lowReorder });
    // 6 per hour from 12 units: empty at minute 120.
    const ds = run(engine, selling(12, 10, 12, at(150)), at(150));
    const warn = asserts(ds, 'low_stock', KEY);
    expect(raises(ds, 'low_stock', KEY)).toBe(1);
    expect(warn[0]!.condition.title).toMatch(/^Restock before \d\d:\d\d UTC$/);
    expect(warn[0]!.condition.action).toMatch(/^Restock from backroom: \d+ units$/);
    expect(warn[0]!.condition.reason).toMatch(/sales per hour now \(from \d+ recent sales/);
    // Raised with at least 30 min to go, and not absurdly early (more than two hours ahead of a 6-per-hour seller's last units).
    expect(warn[0]!.at).toBeLessThanOrEqual(at(90));
    expect(warn[0]!.at).toBeGreaterThanOrEqual(at(40));
    const horizon = warn[0]!.condition.evidence.find((e) => e.text.startsWith(FORECAST_HORIZON_EVIDENCE));
    expect(horizon!.ts).toBeGreaterThan(at(120));
    // The scale reading empty is the forecast come true: the warning keeps its words and horizon until out of stock takes over.
    expect(warn.map((d) => d.condition.title)).toEqual([warn[0]!.condition.title]);
    // Nobody restocked: the slot runs empty, out of stock takes over and the warning ends with it (one task at a time).
    const oos = asserts(ds, 'out_of_stock', KEY);
    expect(oos).toHaveLength(1);
    expect(clears(ds, 'low_stock', KEY).map((c) => [c.at, c.reason])).toEqual([[oos[0]!.at, 'Superseded: the slot is now out of stock']]);
  });

  it('no warning from a pace built on two sales; five sales at that pace make it speak', () => {
    const two = makeEngine({ 'TEA-1': 40 }, { layout: lowReorder }).engine;
    const twoDs = run(two, selling(6, 2, 2, at(60)), at(60));
    expect(asserts(twoDs, 'low_stock', KEY)).toEqual([]);
    // Older sales weigh a little less, so four minutes-old sales count as slightly under four.
    const five = makeEngine({ 'TEA-1': 40 }, { layout: lowReorder }).engine;
    const fiveDs = run(five, selling(8, 2, 5, at(60)), at(60));
    expect(asserts(fiveDs, 'low_stock', KEY)[0]!.condition.title).toMatch(/^Restock before/);
  });

  it('with nothing in the backroom there is nothing to restock from: no restock-soon warning', () => {
    const { engine } = makeEngine({}, { layout: lowReorder });
    const ds = run(engine, selling(12, 10, 11, at(120)), at(120));
    // Only the reorder point speaks (one unit left), saying the backroom has none.
    const low = asserts(ds, 'low_stock', KEY);
    expect(low.every((d) => d.condition.title === 'Low stock')).toBe(true);
    expect(low[0]!.at).toBeGreaterThanOrEqual(at(110));
    expect(low[0]!.condition.action).toMatch(/^Backroom has none/);
  });

  it('a restock ends the warning', () => {
    const { engine } = makeEngine({ 'TEA-1': 40 }, { layout: lowReorder });
    const rs = selling(12, 10, 9, at(95)).filter((r) => r.ts < at(95));
    rs.push(...steady([weight('slot-4', at(95), 20)], at(130)));
    const ds = run(engine, rs, at(130));
    expect(raises(ds, 'low_stock', KEY)).toBe(1);
    expect(clears(ds, 'low_stock', KEY).map((c) => c.reason)).toEqual(['Restocked: 20 units on the shelf']);
    expect(asserts(ds, 'out_of_stock', KEY)).toEqual([]);
  });

  it('a unit lifted and put back within minutes is no sale', () => {
    const { engine } = makeEngine({ 'TEA-1': 40 }, { layout: lowReorder });
    // Eight label readers in an hour: the weight dips by one and comes back within a minute each time.
    const rs: Reading[] = [weight('slot-4', at(0), 3)];
    for (let i = 0; i < 8; i += 1) rs.push(weight('slot-4', at(5 + i * 7), 2), weight('slot-4', at(6 + i * 7), 3));
    const ds = run(engine, steady(rs, at(90)), at(90));
    expect(asserts(ds, 'low_stock', KEY)).toEqual([]);
    expect(engine.shelfView('shelf-3b')!.slots.find((s) => s.slotId === 'slot-4')!.forecast).toMatchObject({ confident: false });
  });

  it('expects no sales while the store is closed: no warning for tonight, the time to empty runs into tomorrow\'s trading', () => {
    // The test store is in Berlin; T0 is 07:00 there. Six sales an hour leave 6 units at 08:00.
    const rs = selling(12, 10, 6, at(150));
    const alwaysOpen = makeEngine({ 'TEA-1': 40 }, { layout: lowReorder }).engine;
    const warned = asserts(run(alwaysOpen, rs, at(150)), 'low_stock', KEY);
    expect(warned[0]!.condition.title).toMatch(/^Restock before/);
    expect(warned[0]!.at).toBeLessThan(at(90));

    // The same shelf in a store that closes at 08:10: the 6 units left will sell tomorrow.
    const hours = StoreLayout.parse({ ...lowReorder, store: { ...lowReorder.store, opensAt: '07:00', closesAt: '08:10' } });
    const closing = makeEngine({ 'TEA-1': 40 }, { layout: hours }).engine;
    expect(asserts(run(closing, rs.filter((r) => r.ts <= at(90)), at(90)), 'low_stock', KEY)).toEqual([]);
    const f = closing.shelfView('shelf-3b')!.slots.find((s) => s.slotId === 'slot-4')!.forecast!;
    expect(f.confident).toBe(true);
    expect(f.deadlineAt!).toBeGreaterThan(at(24 * 60));

    // Next morning the evening's pace is as fresh as at closing: the night was no trading time.
    const morning = at(24 * 60 + 5);
    run(closing, steady(rs.filter((r) => r.ts > at(90)), morning), morning);
    expect(closing.shelfView('shelf-3b')!.slots.find((s) => s.slotId === 'slot-4')!.forecast).toMatchObject({ confident: true });
  });

  it('the shelf view shows the time to empty', () => {
    const { engine } = makeEngine({ 'TEA-1': 40 }, { layout: lowReorder });
    run(engine, selling(20, 10, 8, at(80)), at(80));
    const f = engine.shelfView('shelf-3b')!.slots.find((s) => s.slotId === 'slot-4')!.forecast!;
    expect(f.confident).toBe(true);
    expect(f.salesPerHour).toBeGreaterThan(3);
    expect(f.salesPerHour).toBeLessThan(12);
    // 12 units at about 6 per hour: about two hours.
    expect(f.minutesToEmpty).toBeGreaterThan(60);
    expect(f.minutesToEmpty).toBeLessThan(240);
    expect(f.deadlineAt!).toBeLessThan(f.emptyAt!);
    // What the dashboard gets each minute: units now and the units expected an hour on.
    const k = engine.kpis(at(80)).forecasts!.find((x) => x.slotId === 'slot-4')!;
    expect(k).toMatchObject({ aisle: '3', sku: 'TEA-1', units: 12 });
    expect(k.unitsInOneHour).toBeGreaterThan(3);
    expect(k.unitsInOneHour).toBeLessThan(10);
  });
});
