import { describe, expect, it } from 'vitest';
import { capacityLeft, defaultPhysics, growIce, initialCaseState, meltIce, stepCase, type CaseInputs, type CasePhysics, type CaseState, type Icing } from '../../src/world/thermal-case.js';

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

  describe('slow failures of the plant', () => {
    const multideck = defaultPhysics('multideck', 'chilled');
    const capacity = (physics: CasePhysics, left: number): CasePhysics => ({ ...physics, coolingCPerH: physics.coolingCPerH * left });
    /** Share of time the compressor runs over `seconds`, starting from a settled case. */
    const duty = (physics: CasePhysics, ambientC: number, seconds = 4 * 3600): number => {
      let on = 0;
      run(settled(multideck), seconds, { ambientC }, physics, (s) => (on += s.compressorRunning ? 1 : 0));
      return on / seconds;
    };

    it('a refrigerant leak takes the same share at any store temperature and develops over its ramp', () => {
      const leak = [{ startMs: 0, rampMs: 10 * 3_600_000, lossAtRefC: 0.5, lossPerC: 0 }];
      expect(capacityLeft(leak, 21, -1)).toBe(1);
      expect(capacityLeft(leak, 21, 5 * 3_600_000)).toBeCloseTo(0.75);
      expect(capacityLeft(leak, 28, 20 * 3_600_000)).toBeCloseTo(0.5);
      expect(capacityLeft(leak, 15, 20 * 3_600_000)).toBeCloseTo(0.5);
    });

    it('a leak raises the duty cycle; below the heat load the compressor runs without stopping and the air climbs', () => {
      const healthy = duty(multideck, 21);
      const leaking = duty(capacity(multideck, 0.6), 21);
      expect(healthy).toBeGreaterThan(0.3);
      expect(healthy).toBeLessThan(0.6);
      expect(leaking).toBeGreaterThan(healthy / 0.6 - 0.05);
      let end = settled(multideck);
      end = run(end, 3 * 3600, {}, capacity(multideck, 0.3));
      expect(end.compressorRunning).toBe(true);
      expect(end.airC).toBeGreaterThan(3 + multideck.hysteresisC);
    });

    it('a fouled condenser costs more in a warm store: longer compressor runs in warm hours than cool ones', () => {
      const fouled = [{ startMs: 0, rampMs: 0, lossAtRefC: 0.2, lossPerC: 0.05 }];
      const warm = capacityLeft(fouled, 25, 0);
      const cool = capacityLeft(fouled, 17, 0);
      expect(cool).toBeCloseTo(1);
      expect(warm).toBeCloseTo(0.6);
      // Heat load alone raises the duty cycle in a warm store; the fouled condenser raises it much more.
      const healthyRise = duty(multideck, 25) - duty(multideck, 17);
      const fouledRise = duty(capacity(multideck, warm), 25) - duty(capacity(multideck, cool), 17);
      expect(fouledRise).toBeGreaterThan(healthyRise + 0.15);
    });

    it('an icing coil pulls down slower after each defrost, as the ice a defrost leaves builds up', () => {
      const icing: Icing = { lossPerRunH: 0.08, defrostClears: 0.5 };
      expect(growIce(0.2, icing, false, 3600)).toBe(0.2);
      expect(growIce(0.2, icing, true, 3600)).toBeCloseTo(0.28);
      expect(growIce(0.9, icing, true, 36_000)).toBeLessThan(1);
      expect(meltIce(0.4, icing)).toBeCloseTo(0.2);

      // Six hours between defrosts of 30 min; measure how long the air takes back to its cut-out after each.
      let s = settled(multideck);
      let ice = 0;
      const pullDownsS: number[] = [];
      for (let cycle = 0; cycle < 5; cycle++) {
        s = run(s, multideck.defrostMin * 60, { defrostActive: true }, multideck);
        ice = meltIce(ice, icing);
        let pullDown: number | null = null;
        for (let t = 0; t < 6 * 3600; t++) {
          s = stepCase(s, base, capacity(multideck, 1 - ice), 1);
          ice = growIce(ice, icing, s.compressorRunning, 1);
          if (pullDown === null && !s.callingForCooling) pullDown = t;
        }
        pullDownsS.push(pullDown ?? Infinity);
      }
      for (let i = 1; i < pullDownsS.length; i++) expect(pullDownsS[i]).toBeGreaterThan(pullDownsS[i - 1]!);
      expect(pullDownsS.at(-1)!).toBeGreaterThan(1.5 * pullDownsS[0]!);
    });
  });
});
