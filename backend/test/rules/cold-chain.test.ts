import { describe, expect, it } from 'vitest';
import { simulateCase } from './case-sim.js';
import { asserts, clears, ctl, makeEngine, MIN, probe, raises, run, T0 } from './timeline.js';

const EXC = 'temperature_excursion';
const KEY4 = 'case:case-4';
const KEY5 = 'case:case-5';

describe('cold chain: no alarm for normal operation', () => {
  it('a normal 30 min multideck defrost raises nothing (product probe case)', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 240, events: [{ atMin: 60, defrost: true }, { atMin: 90, defrost: false }] });
    // The air really does go well above 5 °C during the defrost.
    expect(Math.max(...sim.samples.map((s) => s.airC))).toBeGreaterThan(7);
    const ds = run(engine, sim.readings);
    expect(asserts(ds, EXC, KEY4)).toEqual([]);
    expect(asserts(ds, 'spoilage', KEY4)).toEqual([]);
    expect(asserts(ds, 'sensor_fault').filter((d) => d.condition.location.caseId === 'case-4')).toEqual([]);
  });

  it('a normal defrost raises nothing on a case with air only (no probes)', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-5', minutes: 180, events: [{ atMin: 30, defrost: true }, { atMin: 60, defrost: false }] });
    const ds = run(engine, sim.readings);
    expect(asserts(ds, EXC, KEY5)).toEqual([]);
    expect(engine.caseViews().find((c) => c.caseId === 'case-5')!.minutesAboveLimit).toBe(0);
  });

  it('a two-minute door opening raises nothing, though the air spikes', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-5', minutes: 120, events: [{ atMin: 40, door: true }, { atMin: 42, door: false }] });
    expect(Math.max(...sim.samples.map((s) => s.airC))).toBeGreaterThan(8);
    const ds = run(engine, sim.readings);
    expect(asserts(ds, EXC, KEY5)).toEqual([]);
    expect(asserts(ds, 'spoilage', KEY5)).toEqual([]);
  });

  it('a normal frozen island defrost raises nothing', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-9', minutes: 240, events: [{ atMin: 60, defrost: true }, { atMin: 90, defrost: false }] });
    expect(Math.max(...sim.samples.map((s) => s.airC))).toBeGreaterThan(-15);
    const ds = run(engine, sim.readings);
    expect(asserts(ds).filter((d) => d.condition.location.caseId === 'case-9')).toEqual([]);
  });

  it('back-to-back door openings excuse a warm case for 30 min at most', () => {
    const { engine } = makeEngine();
    const readings = [];
    for (let m = 0; m <= 90; m += 1) {
      readings.push(ctl('case-5', T0 + m * MIN, 'case.air_temperature', 7.5));
      if (m % 5 === 0) readings.push(ctl('case-5', T0 + m * MIN, 'case.door', true), ctl('case-5', T0 + m * MIN + 40_000, 'case.door', false));
    }
    const ds = run(engine, readings);
    // Busy from minute 0: the excuse ends after minute 30, then 20 min of delay.
    const first = asserts(ds, EXC, KEY5)[0]!.at;
    expect(first).toBeGreaterThanOrEqual(T0 + 50 * MIN);
    expect(first).toBeLessThanOrEqual(T0 + 51 * MIN);
  });

  it('a stuck defrost (heater never ends) is no longer excused after the longest normal defrost', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-5', minutes: 180, events: [{ atMin: 30, defrost: true }] });
    const ds = run(engine, sim.readings);
    const first = asserts(ds, EXC, KEY5)[0];
    expect(first).toBeDefined();
    expect(first!.at).toBeGreaterThanOrEqual(T0 + (30 + 45) * MIN);
    expect(first!.condition.reason).toMatch(/defrost has run far longer/);
  });
});

describe('cold chain: real failures', () => {
  it('compressor failure alarms within its delay of the air warming, and not before', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 120, events: [{ atMin: 30, compressor: false }] });
    const ds = run(engine, sim.readings);
    const warmFrom = sim.samples.find((s) => s.ts > T0 + 30 * MIN && s.airC > 2 + 2)!.ts;
    const first = asserts(ds, EXC, KEY4)[0]!;
    expect(first.condition.title).toBe('Refrigeration stopped');
    expect(first.at).toBeGreaterThanOrEqual(warmFrom + 15 * MIN);
    expect(first.at).toBeLessThanOrEqual(warmFrom + 16 * MIN);
    expect(first.condition.reason).toMatch(/compressor has been off since 06:30 UTC/);
    expect(first.condition.products.map((p) => p.name)).toEqual(['Whole milk 1 l', 'Greek yogurt 500 g']);
  });

  it('a door left open is a warning, escalating to critical when the product warms', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 200, initialProductC: 4.5, events: [{ atMin: 20, door: true }] });
    const ds = run(engine, sim.readings);
    const a = asserts(ds, EXC, KEY4);
    expect(a[0]!.condition.title).toBe('Door left open');
    expect(a[0]!.condition.severity).toBe('warning');
    expect(a[0]!.at).toBe(T0 + 25 * MIN);
    const critical = a.find((d) => d.condition.severity === 'critical');
    expect(critical?.condition.title).toBe('Door left open');
    expect(raises(ds, EXC, KEY4)).toBe(1);
  });

  it('closing the door on warm product does not resolve the task until the product is cold again', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 300, initialProductC: 4.5, events: [{ atMin: 20, door: true }, { atMin: 50, door: false }] });
    const ds = run(engine, sim.readings);
    expect(raises(ds, EXC, KEY4)).toBe(1);
    const c = clears(ds, EXC, KEY4);
    expect(c).toHaveLength(1);
    const coolFrom = sim.samples.find((x) => x.ts > T0 + 50 * MIN && x.productC <= 4)!.ts;
    expect(c[0]!.at).toBe(coolFrom + 5 * MIN);
  });

  it('product flapping around 5 °C for hours gives exactly one task', () => {
    const { engine } = makeEngine();
    const readings = [ctl('case-4', T0, 'case.compressor', true)];
    for (let m = 0; m <= 6 * 60; m += 1) {
      const ts = T0 + m * MIN;
      const productC = 5 + 0.6 * Math.sin((2 * Math.PI * m) / 25);
      readings.push(probe('probe-4p', 'case-4', ts, Math.round(productC * 10) / 10), ctl('case-4', ts, 'case.air_temperature', 3));
    }
    const ds = run(engine, readings);
    expect(raises(ds, EXC, KEY4)).toBe(1);
    expect(clears(ds, EXC, KEY4)).toEqual([]);
  });

  it('hysteresis: clears only after product is back under limit minus hysteresis for the hold time', () => {
    const { engine } = makeEngine();
    const readings = [];
    // Product simulant moves at most ~0.5 °C/min: 4 → 6.5 (ramp) → 4.5 → 3.2.
    const profile = (m: number) => (m < 10 ? 4 : m < 70 ? Math.min(6.5, 4 + 0.5 * (m - 10)) : m < 100 ? Math.max(4.5, 6.5 - 0.5 * (m - 70)) : Math.max(3.2, 4.5 - 0.5 * (m - 100)));
    for (let m = 0; m <= 130; m += 1) {
      readings.push(probe('probe-4p', 'case-4', T0 + m * MIN, profile(m)), ctl('case-4', T0 + m * MIN, 'case.air_temperature', 3));
    }
    const ds = run(engine, readings);
    // Above 5 °C from minute 13 (5.5 °C); 20 min delay.
    expect(asserts(ds, EXC, KEY4)[0]!.at).toBe(T0 + 33 * MIN);
    const c = clears(ds, EXC, KEY4);
    expect(c).toHaveLength(1);
    // 4.5 °C is under the limit but not under 5 - 1 °C: still open until ≤ 4 °C (minute 101) has held 5 min.
    expect(c[0]!.at).toBe(T0 + 106 * MIN);
  });

  it('frozen: -17 °C for a while is a warning, not spoilage; above -15 °C is critical', () => {
    const { engine } = makeEngine();
    const readings = [];
    const profile = (m: number) => (m < 10 ? -20 : m < 60 ? Math.min(-17, -20 + 0.5 * (m - 10)) : Math.min(-14, -17 + 0.5 * (m - 60)));
    for (let m = 0; m <= 90; m += 1) {
      readings.push(probe('probe-9p', 'case-9', T0 + m * MIN, profile(m)), ctl('case-9', T0 + m * MIN, 'case.air_temperature', -19));
    }
    const ds = run(engine, readings);
    const a = asserts(ds, EXC, 'case:case-9');
    expect(a[0]!.condition.severity).toBe('warning');
    // Above -18 °C from minute 15 (-17.5 °C), 30 min delay.
    expect(a[0]!.at).toBe(T0 + 45 * MIN);
    // Above -15 °C from minute 65 (-14.5 °C): critical after the 3 min confirmation. Spoilage time
    // (frozen: above the tolerated -15 °C) only starts then, the excursion being already confirmed.
    expect(a.find((d) => d.condition.severity === 'critical')!.at).toBe(T0 + 68 * MIN);
    expect(asserts(ds, 'spoilage', 'case:case-9')[0]!.at).toBe(T0 + 66 * MIN);
  });
});

describe('cold chain: 2-hour / 4-hour spoilage', () => {
  it('names the products and moves check → use or sell now → discard with cumulative time above 5 °C', () => {
    const { engine } = makeEngine();
    const readings = [];
    for (let m = 0; m <= 6 * 60; m += 1) {
      readings.push(probe('probe-4p', 'case-4', T0 + m * MIN, m < 10 ? 4 : Math.min(7, 4 + 0.5 * (m - 10))), ctl('case-4', T0 + m * MIN, 'case.air_temperature', 6));
    }
    const ds = run(engine, readings);
    const s = asserts(ds, 'spoilage', 'case:case-4');
    expect(s.map((d) => d.condition.title)).toEqual(['Check and re-chill product', 'Use or sell product now', 'Discard product']);
    // Above 5 °C from minute 13 (5.5 °C): bands change at 2 h and just after 4 h of cumulative time.
    expect(s[1]!.at).toBe(T0 + (13 + 120) * MIN);
    expect(s[2]!.at).toBe(T0 + (13 + 241) * MIN);
    expect(s[2]!.condition.products.map((p) => p.sku)).toEqual(['MILK-1', 'YOG-1']);
    expect(s[0]!.condition.reason).toMatch(/in total above 5 °C/);
  });

  it('time above limit is cumulative across separate episodes of the same day', () => {
    const { engine } = makeEngine();
    const readings = [];
    // 90 min warm, 60 min cold, 60 min warm again: 150 min in total → "use or sell now".
    const ramp = (from: number, to: number, m0: number, m: number) => (to > from ? Math.min(to, from + 0.5 * (m - m0)) : Math.max(to, from - 0.5 * (m - m0)));
    const profile = (m: number) => (m < 90 ? ramp(4, 7, 0, m) : m < 150 ? ramp(7, 3, 90, m) : m < 210 ? ramp(3, 7, 150, m) : ramp(7, 3, 210, m));
    for (let m = 0; m <= 240; m += 1) {
      readings.push(probe('probe-4p', 'case-4', T0 + m * MIN, profile(m)), ctl('case-4', T0 + m * MIN, 'case.air_temperature', 3));
    }
    const ds = run(engine, readings);
    expect(asserts(ds, 'spoilage', 'case:case-4').map((d) => d.condition.title)).toContain('Use or sell product now');
  });

  it('short door and defrost bumps over a day accumulate no spoilage time when the product stays cold', () => {
    const { engine } = makeEngine();
    const events = [];
    for (let h = 0; h < 24; h += 6) events.push({ atMin: h * 60 + 10, defrost: true }, { atMin: h * 60 + 40, defrost: false });
    for (let m = 100; m < 24 * 60; m += 97) events.push({ atMin: m, door: true }, { atMin: m + 1, door: false });
    const sim = simulateCase({ caseId: 'case-4', minutes: 24 * 60, stepSec: 120, events });
    const ds = run(engine, sim.readings);
    expect(asserts(ds, 'spoilage')).toEqual([]);
    expect(asserts(ds, EXC, KEY4)).toEqual([]);
    expect(engine.kpis(T0 + 24 * 60 * MIN).cases.find((c) => c.caseId === 'case-4')).toEqual({ caseId: 'case-4', minutesAboveLimit: 0, inAlarm: false });
  });
});

describe('case views', () => {
  it('reports temperatures, state and limit per case', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 30, events: [{ atMin: 20, defrost: true }] });
    run(engine, sim.readings);
    const v = engine.caseViews().find((c) => c.caseId === 'case-4')!;
    expect(v).toMatchObject({ storeId: 'store-1', name: 'Dairy 4', aisle: '7', category: 'chilled', limitC: 5, state: 'defrost', setpointC: 2 });
    expect(v.airTempC).not.toBeNull();
    expect(v.productTempC).toBeCloseTo(sim.samples.at(-1)!.productC, 5);
    expect(v.updatedAt).toBe(T0 + 30 * MIN);
  });
});

describe('cold chain: early warning from air', () => {
  it('air above the ceiling for 20 min outside defrost warns while the product is still within limit', () => {
    const { engine } = makeEngine();
    const readings = [];
    let product = 3.5;
    let firstWarmAir: number | null = null;
    for (let m = 0; m <= 60; m += 1) {
      // Air curtain blocked: the air climbs to 10 °C and stays; the product follows slowly (τ ≈ 90 min).
      const air = Math.min(10, 3 + 0.35 * m);
      if (air > 8 && firstWarmAir === null) firstWarmAir = m;
      product += (air - product) * (1 - Math.exp(-1 / 90));
      readings.push(ctl('case-4', T0 + m * MIN, 'case.air_temperature', air), probe('probe-4p', 'case-4', T0 + m * MIN, Math.round(product * 10) / 10));
    }
    const ds = run(engine, readings);
    const a = asserts(ds, EXC, KEY4)[0]!;
    expect(a.condition.title).toBe('Case air too warm');
    expect(a.condition.severity).toBe('warning');
    expect(a.at).toBe(T0 + (firstWarmAir! + 20) * MIN);
    expect(a.condition.reason).toMatch(/outside defrost and door openings \(now 10\.0 °C\); product still at [0-5]\.\d °C$/);
  });

  it('without a product probe, the air minus 1 °C stands in for the product', () => {
    const { engine } = makeEngine();
    const readings = [];
    for (let m = 0; m <= 40; m += 1) readings.push(ctl('case-5', T0 + m * MIN, 'case.air_temperature', m < 5 ? 3 : 6.6));
    const ds = run(engine, readings);
    const a = asserts(ds, EXC, KEY5)[0]!;
    expect(a.at).toBe(T0 + 25 * MIN);
    expect(a.condition.reason).toMatch(/^Air has been above 6 °C \(no product probe\) for 20 min \(now 6\.6 °C\); not a defrost$/);
  });
});
