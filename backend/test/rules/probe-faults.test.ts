import { describe, expect, it } from 'vitest';
import type { Reading } from '@shelfwatch/contracts';
import { simulateCase } from './case-sim.js';
import { asserts, clears, makeEngine, MIN, probe, raises, run, status, T0 } from './timeline.js';

const onCase4 = (ds: ReturnType<typeof run>, kind: string) => asserts(ds, kind).filter((d) => d.condition.location.caseId === 'case-4');
/** Sensor faults about case-4's probes and controller (not the other devices of the test store). */
const faultsOnCase4 = (ds: ReturnType<typeof run>) => onCase4(ds, 'sensor_fault').filter((d) => /^(probe|probe-data|device):(probe-4|ctl-4)/.test(d.condition.locationKey));

function expectNoTemperatureAlarm(ds: ReturnType<typeof run>): void {
  expect(onCase4(ds, 'temperature_excursion')).toEqual([]);
  expect(onCase4(ds, 'spoilage')).toEqual([]);
}

describe('a probe reporting its own fault (probe:<id>, decided at once)', () => {
  it('an open-circuit fault code raises "Probe fault" at once, and clears once the probe reads again', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 180, productReport: (m, c) => (m >= 60 && m < 100 ? null : c) });
    const faults: Reading[] = [];
    for (let m = 60; m < 100; m += 1) faults.push(probe('probe-4p', 'case-4', T0 + m * MIN, null, { fault: 'open_circuit' }));
    const ds = run(engine, [...sim.readings, ...faults]);
    const f = asserts(ds, 'sensor_fault', 'probe:probe-4p');
    expect(f[0]!.condition.title).toBe('Probe fault');
    expect(f[0]!.at).toBe(T0 + 60 * MIN);
    expect(f[0]!.condition.reason).toMatch(/open circuit/);
    expect(clears(ds, 'sensor_fault', 'probe:probe-4p')[0]!.at).toBe(T0 + 105 * MIN);
    expectNoTemperatureAlarm(ds);
  });

  it('an impossible reading (short-circuited NTC reads 85 °C) is a sensor fault, not a 85 °C alarm', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 120, productReport: (m, c) => (m >= 40 ? 85 : c) });
    const ds = run(engine, sim.readings);
    expect(asserts(ds, 'sensor_fault', 'probe:probe-4p')[0]!.condition.title).toBe('Probe reading impossible');
    expectNoTemperatureAlarm(ds);
  });
});

describe('a probe that stops talking (device:<id>)', () => {
  it('a product probe that stops reporting (no last will) is "not reporting" after 15 min', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 240, productReport: (m, c) => (m < 60 ? c : null) });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'device:probe-4p');
    expect(f).toHaveLength(1);
    expect(f[0]!.condition.title).toBe('Probe not reporting');
    // Last reading at minute 59.
    expect(f[0]!.at).toBe(T0 + 74 * MIN);
    expect(f[0]!.condition.reason).toMatch(/has sent nothing since 06:59 UTC/);
    expectNoTemperatureAlarm(ds);
    expect(engine.caseViews().find((c) => c.caseId === 'case-4')!.productTempC).toBeNull();
  });

  it('a controller reported offline is a sensor fault after 3 min; it clears when the gateway reports it back', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 60 });
    const ds = run(engine, [
      ...sim.readings.filter((r) => !(r.deviceId === 'ctl-4' && r.ts > T0 + 20 * MIN && r.ts < T0 + 30 * MIN)),
      status('ctl-4', 'controller', T0 + 20 * MIN, false),
      status('ctl-4', 'controller', T0 + 30 * MIN, true),
    ]);
    const f = asserts(ds, 'sensor_fault', 'device:ctl-4');
    expect(f[0]!.at).toBe(T0 + 23 * MIN);
    expect(f[0]!.condition.title).toBe('Case controller offline');
    expect(clears(ds, 'sensor_fault', 'device:ctl-4')[0]!.at).toBe(T0 + 30 * MIN);
    expectNoTemperatureAlarm(ds);
  });
});

describe('a probe whose values do not fit its case (probe-data:<id>) is a sensor fault, never an excursion', () => {
  it('a product probe jumping faster than physics (pulled out onto a warm shelf) raises one fault, no excursion', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 240, productReport: (m, c) => (m >= 90 ? 14 : c) });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4p');
    expect(f[0]!.condition.title).toBe('Probe reading jumped');
    expect(f[0]!.at).toBe(T0 + 90 * MIN);
    // Later, 14 °C in a cold case is also more than the air around it allows: the same task says so.
    expect(f.some((d) => /a product in that air would have moved between/.test(d.condition.reason))).toBe(true);
    expect(raises(ds, 'sensor_fault', 'probe-data:probe-4p')).toBe(1);
    expectNoTemperatureAlarm(ds);
  });

  it('a product probe drifting to room temperature is named before it could raise an excursion', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 300, productReport: (m, c) => (m < 120 ? c : Math.min(16, c + 0.4 * (m - 120))) });
    const ds = run(engine, sim.readings);
    expect(asserts(ds, 'sensor_fault', 'probe-data:probe-4p')[0]!.condition.title).toBe('Probe reads warmer than its case allows');
    expectNoTemperatureAlarm(ds);
  });

  it('a drift that stays (2 °C/h for 90 min, then 3 °C off for good) stays a fault and never drives an excursion', () => {
    const { engine } = makeEngine();
    // A case running at 3.5 °C air: 3 °C of drift takes the probe well over 5 °C.
    const drift = (m: number) => (m < 120 ? 0 : Math.min(3, ((m - 120) * 2) / 60));
    const sim = simulateCase({ caseId: 'case-4', minutes: 480, setpointC: 3.5, initialProductC: 3.8, productReport: (m, c) => Math.round((c + drift(m)) * 100) / 100 });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4p');
    expect(f[0]!.at).toBeLessThan(T0 + 200 * MIN);
    expect(raises(ds, 'sensor_fault', 'probe-data:probe-4p')).toBe(1);
    expect(clears(ds, 'sensor_fault', 'probe-data:probe-4p')).toEqual([]);
    expectNoTemperatureAlarm(ds);
  });

  it('a slow drift (0.8 °C/h, settling 3 °C high) is named while the probe still reads under the limit', () => {
    const { engine } = makeEngine();
    const drift = (m: number) => (m < 150 ? 0 : Math.min(3, ((m - 150) * 0.8) / 60));
    const sim = simulateCase({ caseId: 'case-4', minutes: 600, setpointC: 3.5, initialProductC: 3.2, productReport: (m, c) => Math.round((c + drift(m)) * 100) / 100 });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4p');
    expect(['Probe drifts', 'Probe reads warmer than its case allows']).toContain(f[0]!.condition.title);
    const reported = sim.readings.filter((r) => r.kind === 'probe.temperature' && r.deviceId === 'probe-4p' && r.ts <= f[0]!.at);
    expect(Math.max(...reported.map((r) => (r.kind === 'probe.temperature' ? (r.tempC ?? 0) : 0)))).toBeLessThan(5);
    expect(raises(ds, 'sensor_fault', 'probe-data:probe-4p')).toBe(1);
    expect(clears(ds, 'sensor_fault', 'probe-data:probe-4p')).toEqual([]);
    expectNoTemperatureAlarm(ds);
  });

  it('a slow drift through a defrost (whose warm air the 90-min fit forgives) is named before the probe drives an excursion', () => {
    const { engine } = makeEngine();
    // Drifting +0.8 °C/h from 2 h in; a 25-min defrost at 3 h 15 warms the air for a while.
    const drift = (m: number) => (m < 120 ? 0 : Math.min(3, ((m - 120) * 0.8) / 60));
    const sim = simulateCase({
      caseId: 'case-4', minutes: 420, setpointC: 3, initialProductC: 3.2,
      events: [{ atMin: 195, defrost: true }, { atMin: 220, defrost: false }],
      productReport: (m, c) => Math.round((c + drift(m)) * 100) / 100,
    });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4p');
    expect(f.length).toBeGreaterThan(0);
    expectNoTemperatureAlarm(ds);
  });

  it('after a power cut (nothing reported while the case warmed) the warm product is believed: no fit across the silence', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 240, events: [{ atMin: 60, compressor: false }, { atMin: 110, compressor: true }] });
    const cut = (r: Reading) => r.ts >= T0 + 60 * MIN && r.ts < T0 + 110 * MIN;
    const ds = run(engine, sim.readings.filter((r) => !cut(r)));
    expect(asserts(ds, 'sensor_fault', 'probe-data:probe-4p')).toEqual([]);
    expect(asserts(ds, 'sensor_fault', 'probe-data:probe-4a')).toEqual([]);
  });

  it('an air probe knocked onto the evaporator housing (2.5 °C warm from then on) is a fault', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 180, cycling: true, airReport: (m, c) => (m < 90 ? c : Math.round((c + 2.5) * 100) / 100) });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4a');
    expect(f[0]!.condition.title).toBe('Probe drifts');
    expect(f[0]!.at).toBeLessThanOrEqual(T0 + 150 * MIN);
    expect(raises(ds, 'sensor_fault', 'probe-data:probe-4a')).toBe(1);
    expectNoTemperatureAlarm(ds);
  });

  it('a stuck product probe (its noise gone, same value for 30 min) is a fault', () => {
    const { engine } = makeEngine();
    let stuckAt: number | null = null;
    const sim = simulateCase({ caseId: 'case-4', minutes: 150, productReport: (m, c) => (m < 60 ? c : (stuckAt ??= c)) });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4p');
    expect(f[0]!.condition.title).toBe('Probe reading stuck');
    expect(f[0]!.at).toBeGreaterThanOrEqual(T0 + 89 * MIN);
    expect(f[0]!.at).toBeLessThanOrEqual(T0 + 91 * MIN);
    expectNoTemperatureAlarm(ds);
  });

  it('an air probe frozen while the compressor cycles the case air by 2 °C is stuck', () => {
    const { engine } = makeEngine();
    let stuckAt: number | null = null;
    const sim = simulateCase({ caseId: 'case-4', minutes: 150, cycling: true, airReport: (m, c) => (m < 60 ? c : (stuckAt ??= c)) });
    // The reference really moves by compressor cycling alone, and little.
    const air = sim.samples.filter((x) => x.ts >= T0 + 60 * MIN).map((x) => x.airC);
    expect(Math.max(...air) - Math.min(...air)).toBeLessThan(3);
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4a');
    expect(f[0]!.condition.title).toBe('Probe reading stuck');
    expect(f[0]!.at).toBeLessThanOrEqual(T0 + 91 * MIN);
    expectNoTemperatureAlarm(ds);
  });

  it('a product probe stuck through a real compressor failure is a fault, and the excursion is raised from the air', () => {
    const { engine } = makeEngine();
    const stuckC = 3.4;
    const sim = simulateCase({ caseId: 'case-4', minutes: 300, events: [{ atMin: 60, compressor: false }], productReport: (m, c) => (m < 30 ? c : stuckC) });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4p');
    expect(f.length).toBeGreaterThan(0);
    const exc = asserts(ds, 'temperature_excursion', 'case:case-4');
    expect(exc.length).toBeGreaterThan(0);
    // The fault comes first: the stuck probe never vouched for a warm case.
    expect(f[0]!.at).toBeLessThan(exc[0]!.at);
  });

  it('a noisy air probe (a loose contact scattering ±1.5 °C) is a fault, not a warm case', () => {
    const { engine } = makeEngine();
    const scatter = (m: number) => 1.5 * Math.sin(m * 2.4) * (m % 3 === 0 ? -1 : 1);
    const sim = simulateCase({ caseId: 'case-4', minutes: 120, airReport: (m, c) => (m < 40 ? c : Math.round((c + scatter(m)) * 100) / 100) });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4a');
    expect(f[0]!.condition.title).toBe('Probe reading noisy');
    // Once most of a 30-min window scatters.
    expect(f[0]!.at).toBeLessThanOrEqual(T0 + 70 * MIN);
    expectNoTemperatureAlarm(ds);
  });

  it('an air probe reading 4 °C off the controller in steady state is a placement disagreement', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 120, airReport: (_m, c) => Math.round((c + 3.6) * 100) / 100 });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe-data:probe-4a');
    expect(f[0]!.condition.title).toBe('Probe disagrees with the case');
    // Judged once 20 of the last 30 min of undisturbed readings show it.
    expect(f[0]!.at).toBe(T0 + 20 * MIN);
    expectNoTemperatureAlarm(ds);
  });

  it('during a real compressor failure the product lags the air and the controller publishes only on change: no sensor fault at all', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 8 * 60, cycling: true, events: [{ atMin: 30, compressor: false }] });
    // On change only: once the air has settled near the room, it publishes rarely.
    let last: number | null = null;
    const onChange = sim.readings.filter((r) => {
      if (r.kind !== 'case.air_temperature') return true;
      if (last === r.tempC) return false;
      last = r.tempC;
      return true;
    });
    const ds = run(engine, onChange);
    expect(faultsOnCase4(ds)).toEqual([]);
    const exc = asserts(ds, 'temperature_excursion', 'case:case-4');
    expect(exc.map((d) => d.condition.title)).toContain('Refrigeration stopped');
    expect(exc.some((d) => /Product: /.test(d.condition.action))).toBe(true);
  });
});
