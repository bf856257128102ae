import { describe, expect, it } from 'vitest';
import { observeSlot } from '../../src/world/camera-model.js';
import { NO_PROBE_FAULTS, ProbeSensor } from '../../src/world/probe-model.js';
import { Rng } from '../../src/world/rng.js';

describe('probe sensor', () => {
  it('reads the true temperature within its small error; faults change only the reading', () => {
    const probe = ProbeSensor.install(0.05, new Rng(1, 'p'));
    const ok = probe.sample(3, 0, NO_PROBE_FAULTS);
    expect(Math.abs(ok.tempC! - 3)).toBeLessThan(0.5);
    expect(probe.sample(3, 3_600_000, { ...NO_PROBE_FAULTS, driftCPerH: 2, driftSinceMs: 0 }).tempC! - 3).toBeGreaterThan(1.5);
    const stuckAt = probe.sample(3, 0, NO_PROBE_FAULTS).tempC;
    expect(probe.sample(12, 60_000, { ...NO_PROBE_FAULTS, stuck: true }).tempC).toBe(stuckAt);
    expect(probe.sample(3, 0, { ...NO_PROBE_FAULTS, openCircuit: true })).toEqual({ tempC: null, fault: 'open_circuit' });
    const noisy = Array.from({ length: 200 }, () => probe.sample(3, 0, { ...NO_PROBE_FAULTS, noisySdC: 2 }).tempC!);
    const sd = Math.sqrt(noisy.reduce((a, v) => a + (v - 3) ** 2, 0) / noisy.length);
    expect(sd).toBeGreaterThan(1.2);
  });
});

describe('camera recognition', () => {
  const view = { slotId: 's1', frontSku: 'A', facingsVisible: 3 };
  it('makes errors at about the configured rates', () => {
    const rng = new Rng(9, 'cam');
    const n = 20_000;
    let wrong = 0;
    let low = 0;
    for (let i = 0; i < n; i++) {
      const o = observeSlot(view, { wrongSkuRate: 0.05, missedGapRate: 0, occlusionRate: 0.1 }, ['B', 'C'], rng);
      if (o.confidence < 0.5) low++;
      else if (o.sku !== 'A') wrong++;
    }
    expect(low / n).toBeGreaterThan(0.08);
    expect(low / n).toBeLessThan(0.12);
    expect(wrong / n).toBeGreaterThan(0.035);
    expect(wrong / n).toBeLessThan(0.065);
  });

  it('sees a gap in an empty slot unless it misses it', () => {
    const empty = { slotId: 's1', frontSku: null, facingsVisible: 0 };
    expect(observeSlot(empty, { wrongSkuRate: 0, missedGapRate: 0, occlusionRate: 0 }, ['B'], new Rng(1))).toMatchObject({ gap: true, sku: null, facings: 0 });
    expect(observeSlot(empty, { wrongSkuRate: 0, missedGapRate: 1, occlusionRate: 0 }, ['B'], new Rng(1))).toMatchObject({ gap: false });
  });
});

describe('seeded rng', () => {
  it('gives each entity its own reproducible stream', () => {
    const a1 = new Rng(5).fork('board:a');
    const a2 = new Rng(5).fork('board:a');
    const b = new Rng(5).fork('board:b');
    const seq = (r: Rng) => Array.from({ length: 5 }, () => r.nextUint32());
    const first = seq(a1);
    expect(seq(a2)).toEqual(first);
    expect(seq(b)).not.toEqual(first);
  });
});
