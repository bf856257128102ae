import { describe, expect, it } from 'vitest';
import type { Reading } from '@shelfwatch/contracts';
import { StoreLayout } from '@shelfwatch/contracts';
import { asserts, camera, clears, layout, makeEngine, MIN, raises, run, status, steady, T0, weight } from './timeline.js';

const at = (m: number) => T0 + m * MIN;

describe('planogram compliance', () => {
  it('a wrong product seen with good confidence for 10 min is a violation naming both products', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    for (let m = 0; m <= 12; m += 1) readings.push(camera('slot-3', at(m), { sku: 'CER-1', facings: 2, confidence: 0.88 }));
    const ds = run(engine, readings);
    const v = asserts(ds, 'planogram_violation', 'slot:slot-3');
    expect(v).toHaveLength(1);
    expect(v[0]!.at).toBe(at(10));
    expect(v[0]!.condition.title).toBe('Wrong product');
    expect(v[0]!.condition.action).toBe('Move Oat flakes 500 g to its own place and fill this slot with Muesli 750 g (2 facings).');
    expect(engine.shelfView('shelf-3b')!.slots[2]!.compliant).toBe(false);
  });

  it('a misread just before the camera goes quiet is not a violation by the clock alone; once scans resume and show it for 10 min, it is', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    for (let m = 0; m < 10; m += 1) readings.push(camera('slot-3', at(m)));
    // One scan sees the wrong product, then the camera loses power for 30 min (its last will).
    readings.push(camera('slot-3', at(10), { sku: 'CER-1', facings: 2, confidence: 0.88 }), status('cam-3', 'camera', at(10) + 5_000, false));
    readings.push(status('cam-3', 'camera', at(40), true));
    for (let m = 40; m <= 55; m += 1) readings.push(camera('slot-3', at(m), { sku: 'CER-1', facings: 2, confidence: 0.88 }));
    const v = asserts(run(engine, readings), 'planogram_violation', 'slot:slot-3');
    expect(v).toHaveLength(1);
    expect(v[0]!.at).toBe(at(50));
    expect(v[0]!.condition.reason).toMatch(/since \d\d:\d\d UTC/);
  });

  it('occasional misrecognition (every 4th scan) and low-confidence scans never raise', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    for (let m = 0; m <= 60; m += 1) {
      if (m % 4 === 3) readings.push(camera('slot-3', at(m), { sku: 'TEA-1', confidence: 0.7 }));
      else if (m % 5 === 0) readings.push(camera('slot-3', at(m), { sku: 'TEA-1', confidence: 0.4 }));
      else readings.push(camera('slot-3', at(m)));
    }
    const ds = run(engine, readings);
    expect(asserts(ds, 'planogram_violation')).toEqual([]);
    expect(engine.shelfView('shelf-3b')!.slots[2]!.compliant).toBe(true);
  });

  it('fewer facings than planned for 20 min, with stock on the shelf, is "missing facings"; selling down is not', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [weight('slot-1', at(0), 18), weight('slot-2', at(0), 2)];
    for (let m = 0; m <= 25; m += 1) {
      readings.push(camera('slot-1', at(m), { facings: 1 }), camera('slot-2', at(m), { facings: 1 }));
    }
    const ds = run(engine, steady(readings, at(25)));
    const v = asserts(ds, 'planogram_violation', 'slot:slot-1');
    expect(v[0]!.condition.title).toBe('Missing facings');
    expect(v[0]!.condition.severity).toBe('info');
    expect(v[0]!.at).toBe(at(20));
    // slot-2 holds 2 units (reorder point 4): few facings is a stock matter there.
    expect(asserts(ds, 'planogram_violation', 'slot:slot-2')).toEqual([]);
    // Faced up again: the violation clears once the slot has looked right for 10 min.
    const faced: Reading[] = [];
    for (let m = 26; m <= 40; m += 1) faced.push(camera('slot-1', at(m), { facings: 3 }));
    const after = run(engine, steady([weight('slot-1', at(26), 18), ...faced], at(40)));
    expect(clears(after, 'planogram_violation', 'slot:slot-1').map((c) => c.at)).toEqual([at(36)]);
  });

  it('fewer facings while the slot sells down are not missing facings once a restock brings the stock back', () => {
    const { engine } = makeEngine();
    // slot-2 (2 facings, reorder point 4) sells down to 1 unit: the camera sees 1 facing for an hour,
    // then goes offline. A restock puts 14 units back while it is offline.
    const readings: Reading[] = [...steady([weight('slot-2', at(0), 1), weight('slot-2', at(70), 14)], at(90)), status('cam-3', 'camera', at(60) + 5_000, false)];
    for (let m = 0; m < 60; m += 1) readings.push(camera('slot-2', at(m), { facings: 1 }));
    const ds = run(engine, readings, at(90));
    expect(asserts(ds, 'planogram_violation', 'slot:slot-2')).toEqual([]);
  });

  it('shelf weight that is not a whole number of the planned unit weight is a violation', () => {
    const { engine } = makeEngine();
    // The slot plans Oat flakes 500 g; it is stocked with a 330 g product the camera cannot tell apart.
    const readings: Reading[] = [];
    for (let n = 14; n >= 6; n -= 1) {
      const grams = n * 330;
      // each level seen twice, as the gateway's heartbeat repeats a settled level
      readings.push(weight('slot-1', at(2 * (14 - n)), Math.round(grams / 500), { grams }));
      readings.push(weight('slot-1', at(2 * (14 - n) + 1), Math.round(grams / 500), { grams }));
    }
    const ds = run(engine, readings);
    const v = asserts(ds, 'planogram_violation', 'slot:slot-1');
    expect(v).toHaveLength(1);
    expect(v[0]!.condition.title).toBe('Product weight does not match the plan');
  });

  it('the right product with scale noise passes the weight check', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    for (let n = 20; n >= 8; n -= 1) readings.push(weight('slot-1', at(20 - n), n, { grams: n * 500 + ((n * 37) % 21) - 10 }));
    expect(asserts(run(engine, readings), 'planogram_violation')).toEqual([]);
  });

  it('the right product on a channel with a 2 % scale error and a tare offset passes, however full', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    // 24 units of 500 g read as 510 g each plus 37 g: 12,277 g is "24.55 units" — not a whole
    // number, yet every sale still moves the weight by one (slightly mis-scaled) unit.
    for (let n = 24; n >= 8; n -= 1) {
      readings.push(weight('slot-1', at(2 * (24 - n)), n, { grams: n * 510 + 37 }));
      readings.push(weight('slot-1', at(2 * (24 - n) + 1), n, { grams: n * 510 + 37 }));
    }
    expect(asserts(run(engine, readings), 'planogram_violation')).toEqual([]);
  });

  it('a shopper leaning on the shelf long enough to read as stable is not a stock change', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    for (let m = 0; m < 40; m += 2) {
      // the true level, then a one-off "stable" press of 180 g, then the true level again
      readings.push(weight('slot-1', at(m), 12, { grams: 6000 }), weight('slot-1', at(m + 1), 12, { grams: 6180 }));
    }
    expect(asserts(run(engine, readings), 'planogram_violation')).toEqual([]);
  });

  it('compliance per shelf (shelfView) and per store (kpis)', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    for (let m = 0; m <= 11; m += 1) {
      readings.push(camera('slot-1', at(m)), camera('slot-2', at(m)), camera('slot-3', at(m), { sku: 'TEA-1' }));
    }
    run(engine, readings);
    const view = engine.shelfView('shelf-3b')!;
    // slot-4 has no camera: unknown, not counted.
    expect(view.slots.map((s) => s.compliant)).toEqual([true, true, false, null]);
    expect(view.compliancePct).toBeCloseTo(66.7, 1);
    const k = engine.kpis(at(12));
    expect(k.compliance).toEqual([{ shelfId: 'shelf-3b', compliancePct: 66.7 }]);
    expect(k.storeCompliancePct).toBe(66.7);
    expect(engine.shelfView('nope')).toBeNull();
  });

  it('one correct scan during a wrong-product episode neither ends the task nor starts a second one', () => {
    const { engine } = makeEngine();
    const readings: Reading[] = [];
    // Wrong product from 0 to 40 min; the camera recognises the planned product once, at 20 min.
    for (let m = 0; m <= 70; m += 1) readings.push(camera('slot-3', at(m), m < 40 && m !== 20 ? { sku: 'CER-1', facings: 2 } : {}));
    const ds = run(engine, readings);
    expect(raises(ds, 'planogram_violation', 'slot:slot-3')).toBe(1);
    expect(asserts(ds, 'planogram_violation', 'slot:slot-3')[0]!.at).toBe(at(10));
    // Put right at 40 min: over after 10 min of the right product.
    expect(clears(ds, 'planogram_violation', 'slot:slot-3').map((c) => c.at)).toEqual([at(50)]);
  });

  it('without a camera, several units of another product placed in one go are seen by weight', () => {
    // slot-1 (Oat flakes 500 g) without a camera view.
    const { engine } = makeEngine({}, { layout: StoreLayout.parse({ ...layout, cameras: [{ id: 'cam-3', slotIds: ['slot-2', 'slot-3'] }] }) });
    // 8 units, then 3 × Muesli 750 g (2,250 g = 4.5 oat units) put in at 10 min, taken out at 40 min.
    const level = (m: number) => (m < 10 || m >= 40 ? 4000 : 6250);
    const readings: Reading[] = [];
    for (let m = 0; m <= 60; m += 1) readings.push(weight('slot-1', at(m), Math.round(level(m) / 500), { grams: level(m) }));
    const ds = run(engine, readings);
    const v = asserts(ds, 'planogram_violation', 'slot:slot-1');
    expect(v).toHaveLength(1);
    expect(v[0]!.condition.title).toBe('Product weight does not match the plan');
    // The new level is confirmed by the next reading (11 min), and has stayed 10 min.
    expect(v[0]!.at).toBe(at(21));
    expect(v[0]!.condition.reason).toMatch(/2250 g were added in one go, which is no whole number of Oat flakes 500 g \(500 g each\): it looks like 3 × Muesli 750 g/);
    expect(clears(ds, 'planogram_violation', 'slot:slot-1').map((c) => c.at)).toEqual([at(41)]);
  });

  it('without a camera, a placement 2.75 units heavy is caught: the scale resolves grams, not quarter units', () => {
    const { engine } = makeEngine({}, { layout: StoreLayout.parse({ ...layout, cameras: [{ id: 'cam-3', slotIds: ['slot-2', 'slot-3'] }] }) });
    // 8 units of Oat flakes 500 g, then 1,378 g of another product put in at once and left there:
    // 122 g short of 3 units, where 3 packs vary by 30 g and two readings by 20 g.
    const level = (m: number) => (m < 10 ? 4000 : 5378);
    const readings: Reading[] = [];
    for (let m = 0; m <= 40; m += 1) readings.push(weight('slot-1', at(m), Math.round(level(m) / 500), { grams: level(m) }));
    const v = asserts(run(engine, readings), 'planogram_violation', 'slot:slot-1');
    expect(v).toHaveLength(1);
    expect(v[0]!.condition.reason).toMatch(/1378 g were added in one go/);
  });

  it('where the camera watches, a wrong product swapped for the planned one in one go ends the task: the net step is no weight claim', () => {
    const { engine } = makeEngine();
    // 4 oat flakes and 1 muesli (2,750 g), the camera seeing muesli; at 30 min staff take the muesli
    // out and put 4 oat flakes in at once: +1,250 g, 2.5 oat units.
    const readings: Reading[] = [];
    for (let m = 0; m <= 60; m += 1) {
      readings.push(weight('slot-1', at(m), m < 30 ? 6 : 8, { grams: m < 30 ? 2750 : 4000 }), camera('slot-1', at(m) + 20_000, m < 30 ? { sku: 'MUE-1' } : {}));
    }
    const ds = run(engine, readings);
    expect(raises(ds, 'planogram_violation', 'slot:slot-1')).toBe(1);
    expect(asserts(ds, 'planogram_violation', 'slot:slot-1').filter((d) => /in one go/.test(d.condition.reason))).toEqual([]);
    expect(clears(ds, 'planogram_violation', 'slot:slot-1')).toHaveLength(1);
  });

  it('the planned product restocked in one go with packs 2 % heavy and scale noise is not a mismatch', () => {
    const { engine } = makeEngine({}, { layout: StoreLayout.parse({ ...layout, cameras: [{ id: 'cam-3', slotIds: ['slot-2', 'slot-3'] }] }) });
    // 4 units, then 3 more packs of 510 g each, every reading within ±10 g.
    const readings: Reading[] = [];
    for (let m = 0; m <= 40; m += 1) readings.push(weight('slot-1', at(m), m < 10 ? 4 : 7, { grams: (m < 10 ? 2000 - 10 : 3530 + 10) + (m % 2) }));
    expect(asserts(run(engine, readings), 'planogram_violation')).toEqual([]);
  });

  it('a restock of the planned product in one go is not a weight mismatch', () => {
    const { engine } = makeEngine({}, { layout: StoreLayout.parse({ ...layout, cameras: [{ id: 'cam-3', slotIds: ['slot-2', 'slot-3'] }] }) });
    const readings: Reading[] = [];
    // 6 units → 14 units (a case of 8 put in), on a scale reading 1.5 % high.
    for (let m = 0; m <= 40; m += 1) readings.push(weight('slot-1', at(m), m < 10 ? 6 : 14, { grams: (m < 10 ? 6 : 14) * 507.5 }));
    expect(asserts(run(engine, readings), 'planogram_violation')).toEqual([]);
  });
});
