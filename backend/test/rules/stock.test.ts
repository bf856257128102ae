import { describe, expect, it } from 'vitest';
import type { Reading } from '@shelfwatch/contracts';
import { asserts, camera, clears, makeEngine, MIN, NO_FORECAST, raises, run, status, steady, T0, weight } from './timeline.js';

const KEY = 'slot:slot-1';
const at = (m: number) => T0 + m * MIN;

/** A shopper takes one unit: the hand and the settling product give unstable readings. */
function saleTouch(slotId: string, m: number, before: number): Reading[] {
  return [
    weight(slotId, at(m) + 1000, before + 2, { stable: false }),
    weight(slotId, at(m) + 2000, 0, { stable: false }),
    weight(slotId, at(m) + 3000, before - 3, { stable: false }),
    weight(slotId, at(m) + 5000, before - 1),
  ];
}

describe('stock fusion', () => {
  it('sale-touch noise (unstable readings down to 0) gives no out of stock and no low stock', () => {
    // Ten sales in half an hour would rightly make the forecast warn; this is about the noise.
    const { engine } = makeEngine({ 'CER-1': 20 }, NO_FORECAST);
    const readings: Reading[] = [weight('slot-1', at(0), 20)];
    for (let i = 0; i < 10; i += 1) readings.push(...saleTouch('slot-1', 1 + i * 3, 20 - i));
    const ds = run(engine, steady(readings, at(60)), at(60));
    expect(asserts(ds, 'out_of_stock', KEY)).toEqual([]);
    expect(asserts(ds, 'low_stock', KEY)).toEqual([]);
    expect(engine.shelfView('shelf-3b')!.slots[0]!.unitsByWeight).toBe(10);
  });

  it('scale and camera agreeing on empty raise a critical out of stock once it lasts longer than a shopper holds the last unit', () => {
    const { engine } = makeEngine({ 'CER-1': 30 });
    const ds = run(engine, steady([weight('slot-1', at(0), 2), camera('slot-1', at(0)), weight('slot-1', at(5), 0), camera('slot-1', at(5) + 2000, { gap: true, confidence: 0.9 })], at(10)), at(10));
    const oos = asserts(ds, 'out_of_stock', KEY);
    expect(oos).toHaveLength(1);
    // Both empty from 5 min 2 s on; three minutes later (at the camera's scan then).
    expect(oos[0]!.at).toBe(at(8) + 2000);
    expect(oos[0]!.condition.severity).toBe('critical');
    expect(oos[0]!.condition.action).toBe('Restock from backroom: 24 units');
    expect(oos[0]!.condition.location.label).toBe('Aisle 3, shelf shelf-3b, slot slot-1 (Oat flakes 500 g)');
    // The earlier low-stock task is superseded by the out-of-stock one.
    expect(clears(ds, 'low_stock', KEY)).toHaveLength(1);
  });

  it('the scale alone (camera occluded: low confidence) raises only after it persists 5 min', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [weight('slot-1', at(0), 0)];
    for (let m = 0; m < 12; m += 1) readings.push(camera('slot-1', at(m) + 500, { gap: true, confidence: 0.3 }));
    const ds = run(engine, steady(readings, at(12)), at(12));
    const oos = asserts(ds, 'out_of_stock', KEY);
    expect(oos).toHaveLength(1);
    expect(oos[0]!.at).toBe(at(5));
    expect(oos[0]!.condition.severity).toBe('warning');
    expect(oos[0]!.condition.reason).toMatch(/The shelf scale has shown the slot empty for 5 min; the camera cannot confirm/);
  });

  it('the camera alone (slot with a faulty scale) raises after it persists; one misread gap does nothing', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [weight('slot-2', at(0), 8, { fault: 'saturated' }), camera('slot-2', at(1), { gap: true, confidence: 0.7 }), camera('slot-2', at(2))];
    let ds = run(engine, steady(readings, at(10)), at(10));
    expect(asserts(ds, 'out_of_stock', 'slot:slot-2')).toEqual([]);
    expect(asserts(ds, 'sensor_fault', 'weight:slot-2')[0]!.condition.title).toBe('Shelf scale fault');
    ds = run(engine, steady([weight('slot-2', at(11), 8, { fault: 'saturated' }), camera('slot-2', at(11), { gap: true, confidence: 0.7 }), camera('slot-2', at(12), { gap: true, confidence: 0.7 })], at(20)), at(20));
    expect(asserts(ds, 'out_of_stock', 'slot:slot-2')[0]!.at).toBe(at(17));
  });

  it('scale empty while the camera sees product becomes a verify task after 10 min, not an alarm', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [weight('slot-1', at(0), 0)];
    for (let m = 0; m <= 15; m += 1) readings.push(camera('slot-1', at(m) + 500, { facings: 3, confidence: 0.9 }));
    const ds = run(engine, steady(readings, at(16)));
    expect(asserts(ds, 'out_of_stock', KEY)).toEqual([]);
    const v = asserts(ds, 'verify_stock', KEY);
    expect(v).toHaveLength(1);
    expect(v[0]!.condition.severity).toBe('info');
    expect(v[0]!.at).toBe(at(10) + 500);
    expect(v[0]!.condition.reason).toMatch(/scale reads empty but the camera sees product/);
  });

  it('a restock seen on the shelf clears out of stock, verify and low stock', () => {
    const { engine } = makeEngine({ 'CER-1': 40 });
    let ds = run(engine, steady([weight('slot-1', at(0), 0), camera('slot-1', at(0), { gap: true })], at(3)), at(3));
    expect(asserts(ds, 'out_of_stock', KEY)).toHaveLength(1);
    ds = run(engine, steady([weight('slot-1', at(3) + 500, 6, { stable: false }), weight('slot-1', at(4), 22), camera('slot-1', at(4) + 1000)], at(6)), at(6));
    // Two units or more on the scale end it at once.
    expect(clears(ds, 'out_of_stock', KEY).map((c) => c.at)).toEqual([at(4) + 1000]);
    expect(asserts(ds, 'low_stock', KEY)).toEqual([]);
    // 22 units placed from the backroom: the backroom count goes down by 22.
    expect(ds.filter((d) => d.type === 'restock')).toEqual([{ type: 'restock', at: at(4), storeId: 'store-1', sku: 'CER-1', slotId: 'slot-1', units: 22 }]);
  });

  it('low stock at the reorder point for 2 min asks to restock N units from the backroom; a unit put back does not end it', () => {
    const { engine } = makeEngine({ 'CER-1': 9 });
    // reorder point 6: at 6 from minute 3; a unit goes back at 7 for 4 min; restocked at 14.
    const units = [10, 8, 7, 6, 6, 6, 5, 7, 7, 7, 7, 6, 5, 5, 20];
    const ds = run(engine, steady(units.map((u, i) => weight('slot-1', at(i), u)), at(15)));
    expect(raises(ds, 'low_stock', KEY)).toBe(1);
    const low = asserts(ds, 'low_stock', KEY)[0]!;
    expect(low.at).toBe(at(5));
    // capacity 24 - 6 on the shelf = 18 would fit, but only 9 are in the backroom.
    expect(low.condition.action).toBe('Restock from backroom: 9 units');
    expect(clears(ds, 'low_stock', KEY).map((c) => c.at)).toEqual([at(14)]);
  });

  it('a shopper holding a unit for a minute at the reorder point raises nothing', () => {
    const { engine } = makeEngine({ 'CER-1': 9 });
    const ds = run(engine, steady([weight('slot-1', at(0), 7), weight('slot-1', at(10), 6), weight('slot-1', at(11), 7)], at(30)), at(30));
    expect(asserts(ds, 'low_stock', KEY)).toEqual([]);
  });

  it('a saturated or stuck scale is a sensor fault, never out of stock', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    for (let m = 0; m < 20; m += 1) readings.push(weight('slot-3', at(m), 0, { fault: 'stuck' }));
    const ds = run(engine, readings);
    expect(asserts(ds, 'out_of_stock', 'slot:slot-3')).toEqual([]);
    expect(asserts(ds, 'sensor_fault', 'weight:slot-3')[0]!.condition.reason).toMatch(/stuck/);
  });

  it('a weight board going offline is a sensor fault and its last stock is not trusted', () => {
    const { engine } = makeEngine();
    const ds = run(engine, [weight('slot-4', at(0), 12), status('board-3b', 'weight_board', at(1), false)], at(5));
    const f = asserts(ds, 'sensor_fault', 'device:board-3b');
    expect(f[0]!.condition.title).toBe('Shelf weight board offline');
    // Reported once the offline status has held 3 min (a store outage would have been seen first).
    expect(f[0]!.at).toBe(at(4));
    expect(f[0]!.condition.reason).toMatch(/went offline at 06:01 UTC/);
    expect(engine.shelfView('shelf-3b')!.slots[3]!.unitsByWeight).toBeNull();
  });
});

describe('shelf edge cases', () => {
  it('a shopper lifting the last unit during a scan and putting it back raises nothing', () => {
    const { engine } = makeEngine({ 'CER-1': 10 });
    // 1 unit; lifted at 10:00 (the scale settles empty), the camera scans at 10:20 s, the unit is back at 10:50 s.
    const readings = [weight('slot-1', at(0), 1), camera('slot-1', at(0)), weight('slot-1', at(10) + 5000, 0), camera('slot-1', at(10) + 20_000, { gap: true }), weight('slot-1', at(10) + 50_000, 1), camera('slot-1', at(11) + 20_000)];
    const ds = run(engine, steady(readings, at(30)), at(30));
    expect(asserts(ds, 'out_of_stock', KEY)).toEqual([]);
  });

  it('an out of stock raised while a shopper held the last unit clears once the unit is back, one unit being enough', () => {
    const { engine } = makeEngine({ 'CER-1': 10 });
    const readings = [weight('slot-1', at(0), 1), camera('slot-1', at(0)), weight('slot-1', at(10), 0), camera('slot-1', at(10) + 20_000, { gap: true }), weight('slot-1', at(14), 1), camera('slot-1', at(14) + 20_000)];
    const ds = run(engine, steady(readings, at(40)), at(40));
    expect(raises(ds, 'out_of_stock', KEY)).toBe(1);
    // Both sources see the unit from 14:20 on: after the three-minute hold it is over for good.
    expect(clears(ds, 'out_of_stock', KEY).map((c) => c.at)).toEqual([at(17) + 20_000]);
  });

  it('a shopper reading the label of the last unit for two and a half minutes, over three camera scans, raises nothing', () => {
    const { engine } = makeEngine({ 'CER-1': 10 });
    // Lifted at 10:00 (the scale settles empty at 10:03), the camera sees a gap at 10:15, 11:15 and
    // 12:15 with good confidence; the unit is back at 12:30.
    const readings = [
      weight('slot-1', at(0), 1), camera('slot-1', at(0)),
      weight('slot-1', at(10) + 3000, 0),
      camera('slot-1', at(10) + 15_000, { gap: true, confidence: 0.87 }), camera('slot-1', at(11) + 15_000, { gap: true, confidence: 0.86 }), camera('slot-1', at(12) + 15_000, { gap: true, confidence: 0.94 }),
      weight('slot-1', at(12) + 33_000, 1), camera('slot-1', at(13) + 15_000),
    ];
    const ds = run(engine, steady(readings, at(30)), at(30));
    expect(asserts(ds, 'out_of_stock', KEY)).toEqual([]);
  });

  it('a slot one unit above its reorder point ends its low-stock task after a hold, and a flicker does not', () => {
    // Four units gone in five minutes would rightly keep a forecast warning open; this is about the reorder point.
    const { engine } = makeEngine({ 'CER-1': 10 }, NO_FORECAST);
    // reorder point 6: low at 6; a unit put back (7) for 5 min, lifted again, then 7 for good.
    const units: [number, number][] = [[0, 10], [5, 6], [10, 7], [15, 6], [20, 7]];
    const ds = run(engine, steady(units.map(([m, u]) => weight('slot-1', at(m), u)), at(45)), at(45));
    expect(raises(ds, 'low_stock', KEY)).toBe(1);
    expect(asserts(ds, 'low_stock', KEY)[0]!.at).toBe(at(7));
    expect(clears(ds, 'low_stock', KEY).map((c) => c.at)).toEqual([at(30)]);
  });

  it('a scale and a camera that fall silent stop speaking for the slot: no out of stock from their last readings', () => {
    const { engine } = makeEngine({ 'CER-1': 10 });
    // The camera misread a gap just before both went quiet (no heartbeat, no scan).
    const ds = run(engine, [weight('slot-1', at(0), 0, { stable: false }), weight('slot-1', at(0) + 1000, 3), camera('slot-1', at(0) + 2000, { gap: true, confidence: 0.95 })], at(60));
    expect(asserts(ds, 'out_of_stock', KEY)).toEqual([]);
    expect(asserts(ds, 'verify_stock', KEY)).toEqual([]);
  });

  it('a verify task survives one misread and is not raised twice', () => {
    const { engine } = makeEngine();
    // The scale reads empty (a jammed cell, say) while the camera sees product; at 15 min the
    // camera misreads one confident gap.
    const readings: Reading[] = [weight('slot-1', at(0), 0)];
    for (let m = 0; m <= 40; m += 1) readings.push(camera('slot-1', at(m) + 500, m === 15 ? { gap: true, confidence: 0.95 } : { facings: 3 }));
    const ds = run(engine, steady(readings, at(40)));
    expect(raises(ds, 'verify_stock', KEY)).toBe(1);
    expect(clears(ds, 'verify_stock', KEY)).toEqual([]);
    expect(asserts(ds, 'out_of_stock', KEY)).toEqual([]);
  });
});
