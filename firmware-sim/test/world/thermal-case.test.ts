import { describe, expect, it } from 'vitest';
import { defaultPhysics, initialCaseState, stepCase, type CaseInputs, type CaseState } from '../../src/world/thermal-case.js';

const chilledDoor = defaultPhysics('door', 'chilled');
const base: CaseInputs = { ambientC: 21, setpointC: 3, doorOpen: false, defrostActive: false, compressorFailed: false, fanFailed: false };

function run(state: CaseState, seconds: number, inputs: Partial<CaseInputs> = {}, physics = chilledDoor, onStep?: (s: CaseState) => void): CaseState {
  let s = state;
  for (let t = 0; t < seconds; t++) {
    s = stepCase(s, { ...base, ...inputs }, physics, 1);
    onStep?.(s);
  }
  return s;
}

/** A case that has been running long enough to be in its normal cycle. */
function settled(physics = chilledDoor, setpointC = 3): CaseState {
  return run(initialCaseState(setpointC), 6 * 3600, { setpointC }, physics);
}

describe('thermal case', () => {
  it('cycles the compressor around the setpoint and keeps air and product near it', () => {
    let switches = 0;
    let prev: boolean | null = null;
    let maxAir = -Infinity;
    let minAir = Infinity;
    const end = run(settled(), 4 * 3600, {}, chilledDoor, (s) => {
      if (prev !== null && prev !== s.compressorRunning) switches++;
      prev = s.compressorRunning;
      maxAir = Math.max(maxAir, s.airC);
      minAir = Math.min(minAir, s.airC);
    });
    expect(switches).toBeGreaterThan(8);
    expect(maxAir).toBeLessThan(3 + chilledDoor.hysteresisC);
    expect(minAir).toBeGreaterThan(3 - chilledDoor.hysteresisC);
    expect(Math.abs(end.productC - 3)).toBeLessThan(1);
  });

  it('warms an open chilled multideck after a compressor failure: air fast, product a few °C per hour', () => {
    const multideck = defaultPhysics('multideck', 'chilled');
    const start = settled(multideck);
    const oneHour = run(start, 3600, { compressorFailed: true }, multideck);
    const airRise = oneHour.airC - start.airC;
    const productRise = oneHour.productC - start.productC;
    expect(oneHour.compressorRunning).toBe(false);
    expect(productRise).toBeGreaterThan(1);
    expect(productRise).toBeLessThan(6);
    expect(airRise).toBeGreaterThan(productRise * 1.5);
    expect(airRise).toBeLessThan(15);
  });

  it('warms a (better insulated) chilled door case more slowly, still past 5 °C within a few hours', () => {
    const start = settled();
    const oneHour = run(start, 3600, { compressorFailed: true });
    const fourHours = run(start, 4 * 3600, { compressorFailed: true });
    expect(oneHour.productC - start.productC).toBeGreaterThan(0.5);
    expect(oneHour.productC).toBeLessThan(5);
    expect(fourHours.productC).toBeGreaterThan(5);
  });

  it('warms a frozen case past -18 °C product within hours, not minutes', () => {
    const frozen = defaultPhysics('door', 'frozen');
    const start = settled(frozen, -21);
    const tenMin = run(start, 600, { setpointC: -21, compressorFailed: true }, frozen);
    const threeHours = run(start, 3 * 3600, { setpointC: -21, compressorFailed: true }, frozen);
    expect(tenMin.productC).toBeLessThan(-18);
    expect(threeHours.productC).toBeGreaterThan(-18);
  });

  it('returns to the setpoint after a defrost, and the product stays below the 5 °C limit', () => {
    const multideck = defaultPhysics('multideck', 'chilled');
    const start = settled(multideck);
    let peakProduct = -Infinity;
    const afterDefrost = run(start, multideck.defrostMin * 60, { defrostActive: true }, multideck, (s) => (peakProduct = Math.max(peakProduct, s.productC)));
    expect(afterDefrost.airC).toBeGreaterThan(start.airC + 3);
    const recovered = run(afterDefrost, 3600, {}, multideck, (s) => (peakProduct = Math.max(peakProduct, s.productC)));
    expect(Math.abs(recovered.airC - 3)).toBeLessThanOrEqual(multideck.hysteresisC);
    expect(peakProduct).toBeLessThan(5);
  });

  it('spikes the air on a door opening but barely moves the product', () => {
    const start = settled();
    const open = run(start, 15, { doorOpen: true });
    expect(open.airC - start.airC).toBeGreaterThan(0.3);
    expect(Math.abs(open.productC - start.productC)).toBeLessThan(0.05);
  });

  it('a door left ajar drives the product above its limit within the hour', () => {
    const open = run(settled(), 3600, { doorOpen: true });
    expect(open.airC).toBeGreaterThan(10);
    expect(open.productC).toBeGreaterThan(5);
  });

  it('loses most of its cooling when the evaporator fan fails', () => {
    const withFan = run(settled(), 3 * 3600, {});
    const noFan = run(settled(), 3 * 3600, { fanFailed: true });
    expect(noFan.airC).toBeGreaterThan(withFan.airC + 2);
  });
});
