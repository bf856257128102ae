import { describe, expect, it } from 'vitest';
import { asserts, makeEngine, MIN, run, steady, T0, weight } from './timeline.js';
import type { RuleDecision } from '../../src/rules/index.js';

const at = (m: number) => T0 + m * MIN;
const replenishes = (ds: RuleDecision[]) => ds.filter((d): d is Extract<RuleDecision, { type: 'replenish' }> => d.type === 'replenish');

describe('replenishment', () => {
  it('asks the supplier once per SKU when shelf plus backroom falls below the summed reorder point', () => {
    const { engine, backroom } = makeEngine({ 'CER-1': 3, 'MUE-1': 20 });
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
});
