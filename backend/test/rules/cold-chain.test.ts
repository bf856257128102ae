import { describe, expect, it } from 'vitest';
import { driveCase, simulateCase } from './case-sim.js';
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

  it('shoppers opening the door of a case whose compressor has failed neither delay nor end its task', () => {
    const { engine } = makeEngine();
    const doors = [];
    for (let m = 40; m < 180; m += 7) doors.push({ atMin: m, door: true }, { atMin: m + 1, door: false });
    const sim = simulateCase({ caseId: 'case-4', minutes: 180, events: [{ atMin: 30, compressor: false }, ...doors] });
    const ds = run(engine, sim.readings);
    const a = asserts(ds, EXC, KEY4);
    expect(a[0]!.condition.title).toBe('Refrigeration stopped');
    expect(raises(ds, EXC, KEY4)).toBe(1);
    expect(clears(ds, EXC, KEY4)).toEqual([]);
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
    // The air swings 2–8 °C every 40 min (a struggling case); the product follows it ±0.6 °C around 5 °C.
    const sim = driveCase({ caseId: 'case-4', minutes: 6 * 60, tauMin: 30, productC0: 5, air: (m) => 5 + 3 * Math.sin((2 * Math.PI * m) / 40) });
    expect(Math.max(...sim.samples.map((x) => x.productC))).toBeGreaterThan(5.3);
    expect(Math.min(...sim.samples.map((x) => x.productC))).toBeLessThan(4.7);
    const ds = run(engine, sim.readings);
    expect(raises(ds, EXC, KEY4)).toBe(1);
    expect(clears(ds, EXC, KEY4)).toEqual([]);
    expect(asserts(ds, 'sensor_fault').filter((d) => d.condition.location.caseId === 'case-4' && !d.condition.locationKey.startsWith('device:'))).toEqual([]);
  });

  it('hysteresis: clears only after product is back under limit minus hysteresis for the hold time', () => {
    const { engine } = makeEngine();
    // Warm air for an hour (the air curtain blocked), then the case pulls down hard.
    const sim = driveCase({ caseId: 'case-4', minutes: 150, tauMin: 30, productC0: 3.5, air: (m) => (m < 10 ? 3 : m < 70 ? 7.5 : 1) });
    const ds = run(engine, sim.readings);
    const warmFrom = sim.samples.find((x) => x.productC > 5)!.ts;
    expect(asserts(ds, EXC, KEY4)[0]!.at).toBe(warmFrom + 20 * MIN);
    const c = clears(ds, EXC, KEY4);
    expect(c).toHaveLength(1);
    // Under 5 °C is not enough: it must be under 5 − 1 °C, and stay there for 5 min.
    const under5 = sim.samples.find((x) => x.ts > T0 + 70 * MIN && x.productC <= 5)!.ts;
    const under4 = sim.samples.find((x) => x.ts > T0 + 70 * MIN && x.productC <= 4)!.ts;
    expect(under4).toBeGreaterThan(under5);
    expect(c[0]!.at).toBe(under4 + 5 * MIN);
  });

  it('frozen: -17 °C for a while is a warning; above -15 °C is critical, and only that counts towards spoilage', () => {
    const { engine } = makeEngine();
    const sim = driveCase({ caseId: 'case-9', minutes: 120, tauMin: 60, productC0: -20, air: (m) => (m < 10 ? -21 : -13) });
    const ds = run(engine, sim.readings);
    const a = asserts(ds, EXC, 'case:case-9');
    expect(a[0]!.condition.severity).toBe('warning');
    const above18 = sim.samples.find((x) => x.productC > -18)!.ts;
    const above15 = sim.samples.find((x) => x.productC > -15)!.ts;
    expect(a[0]!.at).toBe(above18 + 30 * MIN);
    expect(a[0]!.condition.action).not.toMatch(/Product:/);
    const critical = a.find((d) => d.condition.severity === 'critical')!;
    expect(critical.at).toBe(above15 + 3 * MIN);
    // Frozen product's time counts from the tolerated -15 °C: the task now says what to do with it.
    expect(critical.condition.action).toMatch(/Product: Check the product temperature/);
    expect(raises(ds, EXC, 'case:case-9')).toBe(1);
  });
});

describe('cold chain: one task from too warm to discard (2-hour / 4-hour rule)', () => {
  it('one task names the products and moves check → use or sell now → discard with cumulative time above 5 °C', () => {
    const { engine } = makeEngine();
    const sim = driveCase({ caseId: 'case-4', minutes: 6 * 60, tauMin: 30, productC0: 4, air: (m) => (m < 10 ? 3 : m < 300 ? 7.5 : 1) });
    const ds = run(engine, sim.readings);
    const a = asserts(ds, EXC, KEY4);
    expect(raises(ds, EXC, KEY4)).toBe(1);
    expect(asserts(ds, 'spoilage')).toEqual([]);
    const above = sim.samples.find((x) => x.productC > 5)!.ts;
    expect(a[0]!.at).toBe(above + 20 * MIN);
    expect(a[0]!.condition.action).toMatch(/Product: Check the product temperature; re-chill it/);
    const titles = [...new Set(a.map((d) => d.condition.title))];
    expect(titles).toEqual(['Too warm', 'Use or sell product now', 'Discard product']);
    const use = a.find((d) => d.condition.title === 'Use or sell product now')!;
    const discard = a.find((d) => d.condition.title === 'Discard product')!;
    expect(use.at).toBe(above + 120 * MIN);
    expect(use.condition.severity).toBe('critical');
    expect(discard.at).toBe(above + 241 * MIN);
    expect(discard.condition.products.map((p) => p.sku)).toEqual(['MILK-1', 'YOG-1']);
    expect(discard.condition.reason).toMatch(/in total above 5 °C/);
    // The air is cold again from 05:00 on and the product recovers, but the product must be
    // discarded: only a person closes this task.
    expect(sim.samples.at(-1)!.productC).toBeLessThan(3);
    expect(clears(ds, EXC, KEY4)).toEqual([]);
  });

  it('a warm spell within the 2-hour rule resolves by itself once the product is cold again', () => {
    const { engine } = makeEngine();
    const sim = driveCase({ caseId: 'case-4', minutes: 4 * 60, tauMin: 30, productC0: 4, air: (m) => (m < 10 ? 3 : m < 70 ? 7.5 : 1) });
    const ds = run(engine, sim.readings);
    expect(raises(ds, EXC, KEY4)).toBe(1);
    expect(clears(ds, EXC, KEY4)).toHaveLength(1);
  });

  it('time above limit is cumulative across separate episodes of the same day', () => {
    const { engine } = makeEngine();
    // 90 min warm, 60 min cold, 70 min warm again: over 2 h above 5 °C in total → "use or sell now".
    const sim = driveCase({ caseId: 'case-4', minutes: 300, tauMin: 30, productC0: 4, air: (m) => (m < 90 ? 7.5 : m < 150 ? 1 : m < 220 ? 7.5 : 1) });
    const ds = run(engine, sim.readings);
    expect(asserts(ds, EXC, KEY4).map((d) => d.condition.title)).toContain('Use or sell product now');
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
    expect(engine.kpis(T0 + 24 * 60 * MIN).cases.find((c) => c.caseId === 'case-4')).toMatchObject({ caseId: 'case-4', minutesAboveLimit: 0, inAlarm: false, plant: { serviceNeeded: false } });
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
    // Air curtain blocked: the air climbs to 10 °C and stays; a large product simulant follows slowly (τ = 3 h).
    const sim = driveCase({ caseId: 'case-4', minutes: 60, tauMin: 180, productC0: 3.5, air: (m) => Math.min(10, 3 + 0.35 * m) });
    const firstWarmAir = sim.samples.find((x) => x.airC > 8)!.ts;
    const ds = run(engine, sim.readings);
    const a = asserts(ds, EXC, KEY4)[0]!;
    expect(a.condition.title).toBe('Case air too warm');
    expect(a.condition.severity).toBe('warning');
    expect(a.at).toBe(firstWarmAir + 20 * MIN);
    expect(a.condition.reason).toMatch(/outside defrost and door openings \(now 10\.0 °C\); product still at [0-5]\.\d °C$/);
  });

  it('air standing in for a failed product probe reaches the ceiling only after the alarm delay, not at a door opening', () => {
    const { engine } = makeEngine();
    // The door is left open 06:02–06:16 and the air stays at 12 °C; the product probe fails
    // from 06:02 to 06:44 (the air stands in), then reads 5.1 °C again.
    const readings = [ctl('case-4', T0 + 2 * MIN, 'case.door', true), ctl('case-4', T0 + 16 * MIN, 'case.door', false)];
    for (let m = 0; m <= 50; m += 1) {
      const ts = T0 + m * MIN;
      readings.push(ctl('case-4', ts, 'case.air_temperature', m < 2 ? 3 : 12), probe('probe-4a', 'case-4', ts, m < 2 ? 3 : 12));
      readings.push(m >= 2 && m < 45 ? probe('probe-4p', 'case-4', ts, null, { fault: 'open_circuit' }) : probe('probe-4p', 'case-4', ts, m < 2 ? 4.5 : 5.1));
    }
    const a = asserts(run(engine, readings), EXC, KEY4);
    // The open door is the task at once; warm air while it stands open is not product above its ceiling.
    expect((a[0]!.at - T0) / MIN).toBe(7);
    expect(a[0]!.condition.reason).toMatch(/^The door of Dairy 4 has been open for 5 min/);
    for (const d of a.filter((x) => x.at < T0 + 37 * MIN)) expect(d.condition.reason).not.toMatch(/ceiling/);
    // Warm for the alarm delay (20 min) since the door closed, the air stands in for the product at the ceiling.
    const ceiling = a.find((d) => /ceiling/.test(d.condition.reason))!;
    expect((ceiling.at - T0) / MIN).toBe(37);
    expect(ceiling.condition.severity).toBe('critical');
    expect(ceiling.condition.reason).toMatch(/^Air is at 12\.0 °C, above the 8 °C ceiling/);
  });

  it('without a product probe, the air minus 1 °C stands in for the product', () => {
    const { engine } = makeEngine();
    const readings = [];
    for (let m = 0; m <= 40; m += 1) readings.push(ctl('case-5', T0 + m * MIN, 'case.air_temperature', m < 5 ? 3 : 6.6));
    const ds = run(engine, readings);
    const a = asserts(ds, EXC, KEY5)[0]!;
    expect(a.at).toBe(T0 + 25 * MIN);
    expect(a.condition.reason).toMatch(/^Air has been above 6 °C \(no product probe\) for 20 min \(now 6\.6 °C\); not a defrost\. Product in this case has spent 20 min in total above 5 °C/);
  });
});
