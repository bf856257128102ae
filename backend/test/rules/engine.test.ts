import { describe, expect, it } from 'vitest';
import { StoreLayout } from '@shelfwatch/contracts';
import { createRuleEngine, defaultLimits } from '../../src/rules/index.js';
import { simulateCase } from './case-sim.js';
import { camera, ctl, layout, makeEngine, MIN, run, steady, T0, weight } from './timeline.js';

const at = (m: number) => T0 + m * MIN;

describe('rule engine coordinator', () => {
  it('exports limits per category as specified', () => {
    expect(defaultLimits.chilled).toMatchObject({ productLimitC: 5, alarmCeilingC: 8 });
    expect(defaultLimits.frozen).toMatchObject({ productLimitC: -18, alarmCeilingC: -15 });
  });

  it('ignores readings of another store and of unknown slots or cases', () => {
    const { engine } = makeEngine();
    expect(engine.onReading({ ...weight('slot-1', at(0), 0), storeId: 'other-store' })).toEqual([]);
    const cam = camera('slot-1', at(0), { gap: true });
    if (cam.kind !== 'camera.slot') throw new Error('camera reading expected');
    expect(engine.onReading({ ...cam, slotId: 'slot-99' })).toEqual([]);
    expect(engine.onReading(ctl('case-99', at(0), 'case.door', true))).toEqual([]);
  });

  it('a slightly late reading never moves event time backwards', () => {
    const { engine } = makeEngine();
    run(engine, [weight('slot-1', at(10), 0), camera('slot-1', at(10), { gap: true })]);
    const late = engine.onReading(weight('slot-1', at(9), 20));
    // The late stable reading is older than what the slot knows: it does not "restock" the slot.
    expect(late.filter((d) => d.type === 'clear' && d.kind === 'out_of_stock')).toEqual([]);
  });

  it('kpis: on-shelf availability per aisle and case minutes above limit', () => {
    const { engine } = makeEngine();
    run(engine, steady([weight('slot-1', at(0), 0), camera('slot-1', at(0), { gap: true }), weight('slot-4', at(0), 12)], at(3)), at(3));
    const k = engine.kpis(at(3));
    expect(k.storeId).toBe('store-1');
    expect(k.availability).toEqual([{ aisle: '3', onShelfPct: 75, oosSlots: 1, slots: 4 }]);
    expect(k.cases.map((c) => c.caseId)).toEqual(['case-4', 'case-5', 'case-9']);
  });

  it('a whole day of a normal dairy case (4 defrosts, door openings every 20 min) gives no task at all', () => {
    const engine = createRuleEngine({ layout: StoreLayout.parse({ ...layout, shelves: [], cameras: [], cases: layout.cases.slice(0, 1) }), limits: defaultLimits, backroomUnits: () => 0 });
    const events = [];
    for (let h = 0; h < 24; h += 6) events.push({ atMin: h * 60 + 5, defrost: true }, { atMin: h * 60 + 35, defrost: false });
    for (let m = 50; m < 24 * 60; m += 20) events.push({ atMin: m, door: true }, { atMin: m + 1, door: false });
    // A real multideck: the thermostat cycles the compressor, and the product simulant lags 2 h.
    const sim = simulateCase({ caseId: 'case-4', minutes: 24 * 60, events, cycling: true, productTauMin: 120 });
    const ds = run(engine, sim.readings);
    expect(ds).toEqual([]);
    // A simulated day of readings through every rule: seconds of CPU, more on a busy machine.
  }, 60_000);
});

describe('restart', () => {
  it('restored open tasks are cleared once their condition is gone, after the grace period', () => {
    const { engine } = makeEngine({ 'CER-1': 10 });
    engine.restoreOpen!([{ kind: 'out_of_stock', locationKey: 'slot:slot-1' }, { kind: 'low_stock', locationKey: 'slot:slot-4' }], at(0));
    // slot-1 is stocked again; slot-4 is still low.
    const ds = run(engine, steady([weight('slot-1', at(1), 20), camera('slot-1', at(1)), weight('slot-4', at(1), 3)], at(90)), at(90));
    const cl = ds.filter((d) => d.type === 'clear');
    expect(cl.map((d) => [d.type === 'clear' && d.locationKey, d.at])).toEqual([['slot:slot-1', at(60)]]);
    // The still-low slot's task is updated (assert), never resolved and re-raised.
    expect(ds.filter((d) => d.type === 'assert' && d.condition.locationKey === 'slot:slot-4').map((d) => d.at)).toEqual([at(1)]);
  });
});

describe('contract shapes', () => {
  it('every decision and view of a busy scenario fits the contracts\' schemas', async () => {
    const { CaseView, ShelfView, TaskEvidence, TaskKind, TaskLocation, TaskSeverity, ReplenishmentRequested } = await import('@shelfwatch/contracts');
    const { engine } = makeEngine({ 'CER-1': 1 });
    const sim = simulateCase({ caseId: 'case-4', minutes: 300, events: [{ atMin: 20, door: true }, { atMin: 40, door: false }, { atMin: 60, compressor: false }], productReport: (m, c) => (m > 200 ? null : c) });
    const shelf = [weight('slot-1', at(0), 2), weight('slot-1', at(1), 0), weight('slot-2', at(0), 0), camera('slot-2', at(0)), camera('slot-1', at(1), { gap: true }), camera('slot-3', at(0), { sku: 'TEA-1' }), camera('slot-3', at(15), { sku: 'TEA-1' })];
    const ds = run(engine, [...sim.readings, ...steady(shelf, at(20))]);
    const kinds = new Set<string>();
    for (const d of ds) {
      if (d.type === 'assert') {
        const c = d.condition;
        kinds.add(c.kind);
        TaskKind.parse(c.kind);
        TaskSeverity.parse(c.severity);
        TaskLocation.parse(c.location);
        c.evidence.forEach((e) => TaskEvidence.parse(e));
        expect(c.title.length * c.action.length * c.reason.length).toBeGreaterThan(0);
        expect(Number.isInteger(d.at)).toBe(true);
      } else if (d.type === 'replenish') {
        kinds.add('replenish');
        ReplenishmentRequested.shape.data.parse({ requestId: 'r1', storeId: d.storeId, supplierId: d.supplierId, lines: d.lines, reason: d.reason });
      }
    }
    expect([...kinds].sort()).toEqual(['low_stock', 'out_of_stock', 'planogram_violation', 'replenish', 'sensor_fault', 'temperature_excursion', 'verify_stock']);
    ShelfView.parse(engine.shelfView('shelf-3b'));
    engine.caseViews().forEach((v) => CaseView.parse(v));
    const v4 = engine.caseViews().find((v) => v.caseId === 'case-4')!;
    expect(v4.state).toBe('alarm');
    expect(v4.minutesAboveLimit).toBeGreaterThan(0);
  });
});
