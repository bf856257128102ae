import { describe, expect, it } from 'vitest';
import { asserts, layout, makeEngine, MIN, NO_FORECAST, run, steady, T0, weight } from './timeline.js';
import type { Reading } from '@shelfwatch/contracts';
import type { RuleDecision } from '../../src/rules/index.js';

const at = (m: number) => T0 + m * MIN;
const replenishes = (ds: RuleDecision[]) => ds.filter((d): d is Extract<RuleDecision, { type: 'replenish' }> => d.type === 'replenish');

describe('replenishment', () => {
  it('asks the supplier once per SKU when shelf plus backroom falls below the summed reorder point', () => {
    // Thirteen units gone in five minutes would rightly make the forecast ask too: this is about the reorder point.
    const { engine, backroom } = makeEngine({ 'CER-1': 3, 'MUE-1': 20 }, NO_FORECAST);
    // CER-1 lives in slot-1 (reorder point 6, capacity 24) and slot-2 (4, 16): together 10 / 40.
    const levels: [number, string, number][] = [[0, 'slot-1', 9], [0, 'slot-2', 5], [0, 'slot-3', 10], [1, 'slot-1', 4], [2, 'slot-1', 3], [3, 'slot-2', 3], [4, 'slot-1', 1], [5, 'slot-2', 0]];
    const shelf = (until: number) => steady(levels.map(([m, slot, u]) => weight(slot, at(m), u)), until);
    let ds = run(engine, shelf(at(30)), at(30));
    // 4 + 5 + 3 = 12 (not below 10); 3 + 3 + 3 = 9 < 10 → one request, and no second one while it is outstanding.
    const r = replenishes(ds);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ type: 'replenish', at: at(3), storeId: 'store-1', supplierId: 'sup-a' });
    // Fill both slots to 40: 40 - 9 = 31 → 3 packs of 12.
    expect(r[0]!.lines).toEqual([{ sku: 'CER-1', quantity: 36, packs: 3 }]);
    expect(r[0]!.reason).toMatch(/Oat flakes 500 g: 6 on the shelf \+ 3 in the backroom = 9, reorder point 10/);
    // The delivery arrives in the backroom; stock recovers; a later drop asks again.
    backroom['CER-1'] = 36;
    ds = run(engine, steady([weight('slot-1', at(31), 1), weight('slot-2', at(31), 0), weight('slot-3', at(31), 10)], at(35)), at(35));
    expect(replenishes(ds)).toEqual([]);
    backroom['CER-1'] = 2;
    ds = run(engine, steady([weight('slot-1', at(40), 1), weight('slot-2', at(40), 0), weight('slot-3', at(40), 10)], at(41)), at(41));
    expect(replenishes(ds)).toHaveLength(1);
  });

  it('batches the same supplier\'s SKUs that are close to their reorder point into one request', () => {
    const { engine } = makeEngine({ 'CER-1': 0, 'MUE-1': 0 });
    let ds = run(engine, [weight('slot-3', at(0), 4), weight('slot-1', at(0), 12), weight('slot-2', at(0), 8)]);
    expect(replenishes(ds)).toEqual([]);
    ds = run(engine, [weight('slot-3', at(1), 4), weight('slot-1', at(1), 5), weight('slot-2', at(1), 4)]);
    const r = replenishes(ds);
    expect(r).toHaveLength(1);
    // MUE-1: 4 units vs reorder point 3 (≤ 1.5 × 3) joins the batch: 12 - 4 = 8 → 2 packs of 6.
    expect(r[0]!.lines).toEqual([{ sku: 'CER-1', quantity: 36, packs: 3 }, { sku: 'MUE-1', quantity: 12, packs: 2 }]);
  });

  it('does not judge a SKU whose slots have no trusted weight yet', () => {
    const { engine } = makeEngine();
    const ds = run(engine, [weight('slot-1', at(0), 0)], at(10));
    expect(replenishes(ds)).toEqual([]);
    expect(asserts(ds, 'out_of_stock', 'slot:slot-1')).toHaveLength(1);
  });

  describe('when the backroom will not cover the day', () => {
    /** Black tea (slot-4: capacity 20, reorder point 5) selling one unit every `everyMin` minutes from 07:00 local, the scale reporting throughout. */
    const tea = (everyMin: number, sales: number, untilMin: number): Reading[] => {
      const rs: Reading[] = [weight('slot-4', at(0), 20)];
      for (let i = 1; i <= sales; i += 1) rs.push(weight('slot-4', at(i * everyMin), 20 - i));
      return steady(rs, at(untilMin));
    };

    it('asks the supplier in the morning when the pace will sell more before closing than shelf and backroom hold', () => {
      const { engine } = makeEngine({ 'TEA-1': 10 });
      // Six an hour for fifteen trading hours is about 90 units; shelf and backroom hold 30.
      const ds = run(engine, tea(10, 18, 180), at(180));
      const r = replenishes(ds);
      expect(r).toHaveLength(1);
      expect(r[0]).toMatchObject({ supplierId: 'sup-b', lines: [{ sku: 'TEA-1' }] });
      // Asked once the pace had enough sales behind it (about five, older ones weighing a little less), far above the reorder point.
      expect(r[0]!.at).toBeGreaterThanOrEqual(at(40));
      expect(r[0]!.at).toBeLessThanOrEqual(at(70));
      expect(r[0]!.reason).toMatch(/^Shelf plus backroom will not last until closing at the pace it sells\. Black tea 100 bags: \d+ on the shelf \+ 10 in the backroom = \d+, about \d+ expected to sell before closing at 21:00 UTC$/);
      // Enough for the rest of the day's expected sales, in whole packs.
      const expected = Number(/about (\d+) expected/.exec(r[0]!.reason)![1]);
      const total = Number(/= (\d+),/.exec(r[0]!.reason)![1]);
      expect(r[0]!.lines[0]!.quantity).toBeGreaterThanOrEqual(expected - total);
      expect(r[0]!.lines[0]!.quantity % 10).toBe(0);
    });

    it('asks a slow seller\'s supplier only when its backroom will not cover the day either, and never from a pace built on two sales', () => {
      // Two an hour from 07:00: about 25 more by closing once the pace is known at 09:30.
      const covered = makeEngine({ 'TEA-1': 20 }).engine;
      expect(replenishes(run(covered, tea(30, 12, 370), at(370)))).toEqual([]);
      const short = makeEngine({ 'TEA-1': 0 }).engine;
      const r = replenishes(run(short, tea(30, 12, 370), at(370)));
      expect(r).toHaveLength(1);
      expect(r[0]!.reason).toMatch(/Black tea 100 bags: \d+ on the shelf \+ 0 in the backroom = \d+, about \d+ expected to sell before closing at 21:00 UTC/);
      // Two quick sales, then nothing: no pace to go by.
      const two = makeEngine({ 'TEA-1': 2 }).engine;
      expect(replenishes(run(two, tea(2, 2, 120), at(120)))).toEqual([]);
    });

    it('honours the layout\'s closing time', () => {
      // Closing at 09:00, about a dozen more sales fit in the day once the pace is known: the 30 units will do.
      const layoutEarly = { ...layout, store: { ...layout.store, closesAt: '09:00' } };
      const { engine } = makeEngine({ 'TEA-1': 10 }, { layout: layoutEarly });
      expect(replenishes(run(engine, tea(10, 11, 115), at(115)))).toEqual([]);
    });
  });
});
