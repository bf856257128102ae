import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompressorCycle } from '../../../src/rules/refrigeration/compressor-cycles.js';
import { cycleCapacity, learnDoorGain } from '../../../src/rules/refrigeration/door-heat.js';

const MIN = 60_000;

/** A cycle of a plant removing `capacity` °C/h against a closed-door load `load`, doors open (1 + gain)× as leaky. */
function cycle(capacity: number, load: number, gain: number, offMin: number, onMin: number, offDoorShare: number, onDoorShare: number): CompressorCycle {
  return {
    startMs: 0,
    onAtMs: offMin * MIN,
    endMs: (offMin + onMin) * MIN,
    offRiseCPerH: load * (1 + gain * offDoorShare),
    onFallCPerH: capacity - load * (1 + gain * onDoorShare),
    doorOpenMs: (offDoorShare * offMin + onDoorShare * onMin) * MIN,
    offDoorOpenMs: offDoorShare * offMin * MIN,
  };
}

describe('door heat', () => {
  it('learns the door gain from healthy cycles and gives every cycle its true capacity, doors or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.record({ load: fc.double({ min: 3, max: 8, noNaN: true }), off: fc.double({ min: 0, max: 0.1, noNaN: true }), on: fc.double({ min: 0, max: 0.1, noNaN: true }) }), { minLength: 6, maxLength: 20 }),
        (gain, shapes) => {
          fc.pre(shapes.filter((s) => Math.abs(s.off - s.on) > 0.01).length >= 3);
          const cycles = shapes.map((s) => cycle(20, s.load, gain, 15, 10, s.off, s.on));
          const learned = learnDoorGain(cycles, 50);
          expect(learned).toBeCloseTo(gain, 0);
          for (const c of cycles) expect(cycleCapacity(c, learned)).toBeCloseTo(20, 0);
        },
      ),
      { seed: 15 },
    );
  });

  it('rise + fall alone misreads a busy cycle: an opening that stretches the run reads as lost capacity', () => {
    const busy = cycle(17, 6, 24, 15, 33, 0.01, 0.05);
    expect(busy.offRiseCPerH + busy.onFallCPerH).toBeLessThan(13);
    expect(cycleCapacity(busy, 24)).toBeCloseTo(17, 6);
  });

  it('is 0 for a case whose doors were never opened (nothing to learn it from)', () => {
    expect(learnDoorGain([cycle(20, 5, 24, 20, 8, 0, 0), cycle(20, 6, 24, 18, 9, 0, 0)], 50)).toBe(0);
  });
});
