import { describe, expect, it } from 'vitest';
import type { Reading } from '@shelfwatch/contracts';
import { simulateCase } from './case-sim.js';
import { asserts, clears, makeEngine, MIN, probe, raises, run, status, T0 } from './timeline.js';

const onCase4 = (ds: ReturnType<typeof run>, kind: string) => asserts(ds, kind).filter((d) => d.condition.location.caseId === 'case-4');

function expectNoTemperatureAlarm(ds: ReturnType<typeof run>): void {
  expect(onCase4(ds, 'temperature_excursion')).toEqual([]);
  expect(onCase4(ds, 'spoilage')).toEqual([]);
}

describe('probe faults are sensor faults, never spoilage', () => {
  it('a product probe that stops reporting (disconnected) raises "Probe not reporting" after 15 min', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 240, productReport: (m, c) => (m < 60 ? c : null) });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe:probe-4p');
    expect(f).toHaveLength(1);
    expect(f[0]!.condition.title).toBe('Probe not reporting');
    // Last reading at minute 59; silent for more than 15 min at minute 75.
    expect(f[0]!.at).toBe(T0 + 75 * MIN);
    expect(f[0]!.condition.reason).toMatch(/ignored for temperature alarms/);
    expectNoTemperatureAlarm(ds);
    expect(engine.caseViews().find((c) => c.caseId === 'case-4')!.productTempC).toBeNull();
  });

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

  it('a product probe jumping faster than physics (pulled out onto a warm shelf) raises a fault, no excursion', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 240, productReport: (m, c) => (m >= 90 ? 14 : c) });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe:probe-4p');
    expect(f[0]!.condition.title).toBe('Probe reading jumped');
    expect(f[0]!.at).toBe(T0 + 90 * MIN);
    // Later, steadily 14 °C in a case whose air is steadily cold: placement cannot explain it.
    expect(f.some((d) => /case air is steady/.test(d.condition.reason))).toBe(true);
    expect(raises(ds, 'sensor_fault', 'probe:probe-4p')).toBe(1);
    expectNoTemperatureAlarm(ds);
  });

  it('a product probe drifting slowly to room temperature is held back until the disagreement check names it', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 300, productReport: (m, c) => (m < 120 ? c : Math.min(16, c + 0.4 * (m - 120))) });
    const ds = run(engine, sim.readings);
    expect(asserts(ds, 'sensor_fault', 'probe:probe-4p')[0]!.condition.title).toBe('Probe disagrees with the case');
    expectNoTemperatureAlarm(ds);
  });

  it('a stuck product probe (same value while defrosts move the case) is a fault', () => {
    const { engine } = makeEngine();
    const events = [{ atMin: 30, defrost: true }, { atMin: 60, defrost: false }, { atMin: 150, defrost: true }, { atMin: 180, defrost: false }];
    const sim = simulateCase({ caseId: 'case-4', minutes: 200, events, productReport: () => 3.4 });
    const ds = run(engine, sim.readings);
    const f = asserts(ds, 'sensor_fault', 'probe:probe-4p');
    expect(f[0]!.condition.title).toBe('Probe reading stuck');
    expect(f[0]!.at).toBeGreaterThanOrEqual(T0 + 60 * MIN);
    expectNoTemperatureAlarm(ds);
  });

  it('an air probe reading 4 °C off the controller in steady state is a placement disagreement', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 120 });
    const readings = sim.readings.map((r) => (r.kind === 'probe.temperature' && r.deviceId === 'probe-4a' ? { ...r, tempC: (r.tempC ?? 0) + 3.6 } : r));
    const ds = run(engine, readings);
    const f = asserts(ds, 'sensor_fault', 'probe:probe-4a');
    expect(f[0]!.condition.title).toBe('Probe disagrees with the case');
    expect(f[0]!.at).toBeGreaterThanOrEqual(T0 + 30 * MIN);
    expectNoTemperatureAlarm(ds);
  });

  it('a product probe lagging the air during a real warm-up is NOT called faulty', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 360, events: [{ atMin: 30, compressor: false }] });
    const ds = run(engine, sim.readings);
    expect(asserts(ds, 'sensor_fault', 'probe:probe-4p')).toEqual([]);
    expect(onCase4(ds, 'spoilage').length).toBeGreaterThan(0);
  });

  it('controller offline (last will) is a sensor fault; it clears when it reports again', () => {
    const { engine } = makeEngine();
    const sim = simulateCase({ caseId: 'case-4', minutes: 60 });
    const ds = run(engine, [...sim.readings, status('ctl-4', 'controller', T0 + 20 * MIN, false)]);
    const f = asserts(ds, 'sensor_fault', 'controller:case-4');
    expect(f[0]!.at).toBe(T0 + 20 * MIN);
    expect(f[0]!.condition.title).toBe('Case controller offline');
    // The simulated controller keeps sending (the status was stale): its next reading clears it.
    expect(clears(ds, 'sensor_fault', 'controller:case-4')[0]!.at).toBeGreaterThan(T0 + 20 * MIN);
    expectNoTemperatureAlarm(ds);
  });
});
