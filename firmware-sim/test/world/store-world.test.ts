import { describe, expect, it } from 'vitest';
import { scenarioFromObject } from '../../src/scenario/load-scenario.js';
import type { GroundTruthEvent } from '../../src/world/ground-truth.js';
import { StoreWorld } from '../../src/world/store-world.js';
import { tinyScenario } from '../fixtures/tiny-scenario.js';

async function world(overrides: Parameters<typeof tinyScenario>[0], seed = 1) {
  const events: GroundTruthEvent[] = [];
  const scenario = await scenarioFromObject(tinyScenario(overrides));
  const w = StoreWorld.create({ scenario, seed, sink: (e) => events.push(e) });
  return { w, events };
}

describe('store world', () => {
  it('touches move the load cell but never the true stock', async () => {
    const { w, events } = await world({ settings: { startTime: '2026-03-02T12:00:00Z', durationS: 3600, demand: { unitsPerSlotPerDay: 0, touchesPerSale: 0 } } });
    // No demand → no touches either; now make shoppers touch without buying.
    const slot = w.slots.get('s1-1')!;
    const before = slot.units;
    const grams = slot.cell.apparentGrams(w.nowMs);
    slot.cell.change(400, w.nowMs + 100);
    slot.cell.change(-400, w.nowMs + 2100);
    let moved = false;
    while (!w.done) {
      w.step();
      if (Math.abs(slot.cell.apparentGrams(w.nowMs) - grams) > 100) moved = true;
    }
    expect(moved).toBe(true);
    expect(slot.units).toBe(before);
    expect(slot.cell.apparentGrams(w.nowMs)).toBeCloseTo(grams, 6);
    expect(events.filter((e) => e.type === 'stock' && e.cause !== 'initial')).toEqual([]);
  });

  it('with touches and sales, the stock only changes by sales, and the settled weight matches it', async () => {
    const { w, events } = await world({ settings: { startTime: '2026-03-02T12:00:00Z', durationS: 7200, demand: { unitsPerSlotPerDay: 200, touchesPerSale: 3 } } });
    const initial = new Map([...w.slots.values()].map((s) => [s.slot.id, s.units]));
    while (!w.done) w.step();
    const sales = events.filter((e) => e.type === 'stock' && e.cause === 'sale');
    expect(sales.length).toBe(w.unitsSold);
    expect(w.unitsSold).toBeGreaterThan(5);
    for (const s of w.slots.values()) {
      const sold = sales.filter((e) => e.type === 'stock' && e.slotId === s.slot.id).length;
      expect(s.units).toBe(initial.get(s.slot.id)! - sold);
      expect(s.cell.apparentGrams(w.nowMs + 60_000)).toBeCloseTo(s.units * s.product.unitWeightG, 3);
    }
  });

  it('records out-of-stock intervals and restocks automatically after the delay', async () => {
    const { w, events } = await world({
      settings: {
        startTime: '2026-03-02T12:00:00Z',
        durationS: 4 * 3600,
        demand: { unitsPerSlotPerDay: 400 },
        initialStock: { slots: { 's1-1': 1 } },
        autoRestock: { enabled: true, trigger: 'empty', delayMin: 10 },
      },
    });
    while (!w.done) w.step();
    const oos = events.filter((e) => e.type === 'out_of_stock' && e.slotId === 's1-1' && !e.openAtEnd);
    expect(oos.length).toBeGreaterThan(0);
    for (const e of oos) if (e.type === 'out_of_stock') expect(e.minutes).toBeGreaterThanOrEqual(10);
    expect(events.some((e) => e.type === 'restock' && e.by === 'auto' && e.slotId === 's1-1')).toBe(true);
  });

  it('a misplaced product is a planogram violation the camera can see, and adds its weight', async () => {
    const { w, events } = await world({
      settings: { startTime: '2026-03-02T02:00:00Z', durationS: 1800 },
      timeline: [{ at: 60, type: 'misplace_product', slotId: 's1-2', sku: 'PASTA-500', units: 2, forS: 600 }],
    });
    const grams = w.slots.get('s1-2')!.cell.apparentGrams(w.nowMs);
    for (let i = 0; i < 120; i++) w.step();
    expect(w.slotView('s1-2').frontSku).toBe('PASTA-500');
    expect(w.slots.get('s1-2')!.cell.apparentGrams(w.nowMs)).toBeCloseTo(grams + 2 * 510, 3);
    while (!w.done) w.step();
    expect(w.slotView('s1-2').frontSku).toBe('BEANS-415');
    const violation = events.find((e) => e.type === 'planogram_violation');
    expect(violation).toMatchObject({ slotId: 's1-2', violation: 'wrong_product', foundSku: 'PASTA-500', minutes: 10, openAtEnd: false });
  });

  it('a door left ajar puts the product at risk, recorded with its peak and duration', async () => {
    const { w, events } = await world({
      settings: { startTime: '2026-03-02T02:00:00Z', durationS: 4 * 3600 },
      timeline: [{ at: 600, type: 'door_ajar', caseId: 'case-1', forS: '75m' }],
    });
    while (!w.done) w.step();
    const risk = events.find((e) => e.type === 'product_at_risk');
    expect(risk).toMatchObject({ caseId: 'case-1', limitC: 5 });
    expect(risk?.type === 'product_at_risk' && risk.peakC).toBeGreaterThan(5);
    expect(events.find((e) => e.type === 'fault')).toMatchObject({ fault: 'door_ajar', target: 'case-1', minutes: 75 });
    expect(events.find((e) => e.type === 'door_open' && e.ajar)).toMatchObject({ seconds: 4500 });
  });

  it('a scheduled defrost day raises no product-at-risk interval', async () => {
    const { w, events } = await world({
      settings: { startTime: '2026-03-02T00:00:00Z', durationS: 86_400, cases: { byType: { door: { defrostsPerDay: 2, defrostMin: 30 } } } },
    });
    while (!w.done) w.step();
    expect(events.filter((e) => e.type === 'defrost')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'product_at_risk')).toEqual([]);
  });
});

describe('store world staff actions', () => {
  it('restocks from the backroom only, and deliveries refill the backroom', async () => {
    const { w, events } = await world({ settings: { startTime: '2026-03-02T02:00:00Z', durationS: 600, initialStock: { slots: { 's1-1': 0 } }, backroom: { skus: { 'PASTA-500': 4 } } } });
    w.restock('s1-1');
    w.step();
    expect(w.slots.get('s1-1')!.units).toBe(4);
    w.receiveDelivery('PASTA-500', 12);
    w.restock('s1-1');
    w.step();
    expect(w.slots.get('s1-1')!.units).toBe(10);
    expect(w.backroomUnits('PASTA-500')).toBe(6);
    expect(events.filter((e) => e.type === 'restock').map((e) => e.type === 'restock' && e.units)).toEqual([4, 6]);
    expect(events.find((e) => e.type === 'delivery')).toMatchObject({ sku: 'PASTA-500', units: 12, source: 'api' });
    expect(() => w.restock('nope')).toThrow(/unknown slot/);
    expect(() => w.receiveDelivery('NOPE', 1)).toThrow(/unknown sku/);
  });
});
