import { describe, expect, it } from 'vitest';
import type { Reading } from '@shelfwatch/contracts';
import { asserts, clears, makeEngine, MIN, raises, run, T0 } from '../timeline.js';
import { minutesFrom, shopperDoor, simulatePlant, type PlantSimOptions } from './plant-sim.js';

const KIND = 'refrigeration_maintenance';
const KEY = 'plant:case-5';
const H = 60;

function judge(o: PlantSimOptions, readings?: (r: Reading[]) => Reading[]) {
  const sim = simulatePlant(o);
  const { engine } = makeEngine();
  const ds = run(engine, readings ? readings(sim.readings) : sim.readings);
  const plant = engine.caseViews().find((c) => c.caseId === 'case-5')!.plant;
  return { sim, ds, raised: asserts(ds, KIND, KEY), plant, kpi: engine.kpis(sim.samples.at(-1)!.ts).cases.find((c) => c.caseId === 'case-5')!.plant };
}

/** Capacity falling linearly from `fromH` to `toShare` over `rampH` (a refrigerant leak). */
const leak = (fromH: number, rampH: number, toShare: number) => (tMin: number) => 1 - (1 - toShare) * Math.min(1, Math.max(0, (tMin - fromH * H) / (rampH * H)));

describe('refrigeration maintenance: quiet in normal operation', { timeout: 60_000 }, () => {
  it('two days of defrosts, shoppers at the door, a door rush and warm afternoons raise nothing', () => {
    const rush = (tS: number) => (tS >= 30 * 3600 && tS < 31.5 * 3600 ? tS % 60 < 10 : shopperDoor(tS));
    const { raised, sim, plant } = judge({ hours: 48, storeC: (m) => 21 + 5 * Math.sin((2 * Math.PI * (m / 60 - 9)) / 24), doorOpen: rush });
    // The afternoons really are warm enough to lengthen the cycles.
    expect(Math.max(...sim.samples.map((s) => s.airC))).toBeGreaterThan(4);
    expect(raised).toEqual([]);
    // The cold-chain view shows the learned normal and a plant that keeps up with it.
    expect(plant.serviceNeededSince).toBeNull();
    expect(plant.normalDutyPct).toBeGreaterThan(0);
    expect(plant.capacityPctOfNormal).toBeGreaterThan(80);
  });

  it('says nothing until it has learned the case: a weak plant from the first hours is not judged', () => {
    const { raised, plant } = judge({ hours: 5, capacity: leak(1, 1, 0.5) });
    expect(raised).toEqual([]);
    expect(plant).toMatchObject({ normalDutyPct: null, capacityPctOfNormal: null, serviceNeededSince: null });
  });
});

describe('refrigeration maintenance: failing plant is warned before the product warms', { timeout: 60_000 }, () => {
  it('a refrigerant leak: warned hours before the air passes the limit, with duty cycle and capacity against normal', () => {
    const { raised, sim, ds } = judge({ hours: 40, capacity: leak(24, 12, 0.15) });
    expect(raised.length).toBeGreaterThan(0);
    const first = raised[0]!;
    const warmAt = sim.samples.find((s) => s.productC > 5)!.ts;
    expect(warmAt - first.at).toBeGreaterThanOrEqual(2 * H * MIN);
    expect(first.condition).toMatchObject({ severity: 'warning', location: { caseId: 'case-5' } });
    expect(first.condition.action).toMatch(/technician/);
    const text = first.condition.evidence.map((e) => e.text).join('\n');
    expect(text).toMatch(/Duty cycle \d+ % .* vs \d+ % normal at the same heat load/);
    expect(text).toMatch(/Normal learned from \d+ compressor cycles/);
    expect(raises(ds, KIND, KEY)).toBe(1);
  });

  it('the cold-chain view and the dashboards show it: service needed, duty cycle up, capacity against normal', () => {
    // A slower leak, to 60 %: the compressor still cycles, so each cycle measures the capacity.
    const { raised, plant, kpi } = judge({ hours: 36, capacity: leak(24, 6, 0.6) });
    expect(raised.length).toBeGreaterThan(0);
    expect(plant.serviceNeededSince).toBeLessThanOrEqual(raised[0]!.at);
    expect(plant.capacityPctOfNormal).toBeLessThan(75);
    expect(plant.dutyPct).toBeGreaterThan(plant.normalDutyPct!);
    expect(kpi).toEqual({ dutyPct: plant.dutyPct, capacityPctOfNormal: plant.capacityPctOfNormal, serviceNeeded: true });
  });

  it('after the repair the task resolves once the case has behaved like its normal for hours', () => {
    const repaired = (m: number) => (m >= 31 * H ? 1 : leak(24, 6, 0.4)(m));
    const { ds } = judge({ hours: 40, capacity: repaired });
    expect(raises(ds, KIND, KEY)).toBe(1);
    const cleared = clears(ds, KIND, KEY);
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.at).toBeGreaterThan(T0 + 31 * H * MIN);
  });

  it('compressor running non-stop while the air rises is named as such', () => {
    const { raised } = judge({ hours: 36, capacity: leak(24, 4, 0.1) });
    expect(raised.some((d) => /non-stop/.test(d.condition.title) && /Compressor running since/.test(d.condition.evidence.map((e) => e.text).join(' ')))).toBe(true);
  });

  it('a fouled condenser: warned in the warm hours, when the cycles lengthen', () => {
    const storeC = (m: number) => 20 + 5 * Math.sin((2 * Math.PI * (m / 60 - 9)) / 24);
    const fouled = (m: number, c: number) => (m < 26 * H ? 1 : 1 - Math.min(1, Math.max(0, 0.25 + 0.06 * (c - 20))));
    const { raised } = judge({ hours: 44, storeC, capacity: fouled });
    expect(raised.length).toBeGreaterThan(0);
    expect(storeC(minutesFrom(raised[0]!.at))).toBeGreaterThan(20);
  });

  it('an icing coil (each defrost melts only part of the ice): warned hours before the product warms', () => {
    const { raised, sim } = judge({ hours: 60, icing: { fromMin: 30 * H, lossPerRunH: 0.25, defrostClears: 0.2 } });
    expect(raised.length).toBeGreaterThan(0);
    const warmAt = sim.samples.find((s) => s.productC > 5)!.ts;
    expect(warmAt - raised[0]!.at).toBeGreaterThanOrEqual(2 * H * MIN);
  });

  it('a glass-door case opened every two minutes all day: its door heat is learned, and a leak is warned well before the product warms', () => {
    // A deli door case, doors open 10 s in every 2 min from 07:00 to 21:00 (8 % of the time, every cycle above the 5 % of unmodelled doors).
    const busyDoor = (tS: number) => {
      const hourOfDay = Math.floor(tS / 3600) % 24;
      return hourOfDay >= 7 && hourOfDay < 21 && tS % 120 < 10;
    };
    const door: PlantSimOptions = { hours: 44, setpointC: 3, coolingCPerH: 20, airTauMin: 180, defrostsAtMinOfDay: [10 * H], defrostMin: 20, doorOpen: busyDoor };
    expect(judge(door).raised).toEqual([]);
    // From 02:00 the refrigerant leaks to 30 % over 12 h; the doors' heat is most of the load, so the product warms by mid-morning.
    const { raised, sim, plant } = judge({ ...door, capacity: leak(26, 12, 0.3) });
    expect(raised.length).toBeGreaterThan(0);
    expect(raised[0]!.condition.title).toMatch(/losing cooling capacity/);
    // The plant no longer reaches its cut-out in the busy hours: the run itself is what is measured, doors included.
    expect(raised[0]!.condition.evidence.map((e) => e.text).join('\n')).toMatch(
      /Compressor running since \d\d:\d\d UTC \(normal run \d+ min\): air \d+\.\d → \d+\.\d °C, doors open \d+ % of the run; cooling capacity \d+\.\d °C\/h vs \d+\.\d °C\/h normal/,
    );
    expect(plant.serviceNeededSince).toBeLessThanOrEqual(raised[0]!.at);
    expect(plant.capacityPctOfNormal).toBeLessThan(75);
    const warmAt = sim.samples.find((s) => s.productC > 5)!.ts;
    expect(warmAt - raised[0]!.at).toBeGreaterThanOrEqual(1.5 * H * MIN);
  });

  it('slower pull-downs after defrosts (meltwater refreezing on the coil) are named, with the pull-down times', () => {
    // From hour 24 each defrost leaves the coil worse for the first 20 min of its pull-down.
    const refreezing = (m: number) => {
      const afterDefrost = (m % 360) - 30;
      if (m < 24 * H || afterDefrost < 0 || afterDefrost >= 20) return 1;
      return Math.max(0.15, 1 - 0.25 * (Math.floor((m - 24 * H) / 360) + 1));
    };
    const { raised } = judge({ hours: 40, capacity: refreezing });
    const slow = raised.find((d) => /pull-down/.test(d.condition.title));
    expect(slow).toBeDefined();
    expect(slow!.condition.evidence.map((e) => e.text).join('\n')).toMatch(/Pull-down after the defrost ending \d\d:\d\d UTC: .* in \d+ min vs \d+ min normal/);
  });

  it('the same tasks when the readings arrive shuffled within minutes', () => {
    const o: PlantSimOptions = { hours: 36, capacity: leak(24, 8, 0.2) };
    const inOrder = judge(o);
    const shuffled = judge(o, (rs) => {
      // Each 5-minute block arrives in reverse order (the engine orders by event time).
      const blocks = new Map<number, Reading[]>();
      for (const r of rs) blocks.set(Math.floor((r.ts - T0) / (5 * MIN)), [...(blocks.get(Math.floor((r.ts - T0) / (5 * MIN))) ?? []), r]);
      return [...blocks.values()].flatMap((b) => b.reverse());
    });
    const pick = (ds: typeof inOrder.ds) => [...asserts(ds, KIND, KEY), ...clears(ds, KIND, KEY)].map((d) => ({ type: d.type, at: d.at }));
    expect(pick(shuffled.ds)).toEqual(pick(inOrder.ds));
    expect(pick(inOrder.ds).length).toBeGreaterThan(0);
  });
});
