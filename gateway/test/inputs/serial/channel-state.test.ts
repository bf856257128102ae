import { COUNTS_MAX } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { ChannelState, countsToGrams, gramsToUnits } from '../../../src/inputs/serial/channel-state.js';

const cal = { offsetCounts: 1000, countsPerGram: 100 };
const unit = 400;
const counts = (grams: number) => Math.round(1000 + grams * 100);

describe('calibration', () => {
  it('maps counts to grams with tare offset and scale', () => {
    expect(countsToGrams(201_000, cal)).toBe(2000);
    expect(countsToGrams(1000, cal)).toBe(0);
    expect(countsToGrams(-500 + 2060 * 50, { offsetCounts: -500, countsPerGram: 50 })).toBe(2060);
  });

  it('rounds to whole units and never goes below zero', () => {
    expect(gramsToUnits(2000, 400)).toBe(5);
    expect(gramsToUnits(2150, 400)).toBe(5);
    expect(gramsToUnits(2210, 400)).toBe(6);
    expect(gramsToUnits(-300, 400)).toBe(0);
  });
});

describe('debouncing on event time', () => {
  it('reports stable only after the settle window', () => {
    const ch = new ChannelState({ settleMs: 2000, toleranceUnits: 0.25 });
    expect(ch.update(counts(2000), 0, cal, unit).stable).toBe(false);
    expect(ch.update(counts(2010), 1000, cal, unit).stable).toBe(false);
    const s = ch.update(counts(1995), 2000, cal, unit);
    expect(s).toMatchObject({ stable: true, units: 5, fault: null });
  });

  it('a hand pressing on the shelf restarts the window and never reads as stable', () => {
    const ch = new ChannelState({ settleMs: 2000, toleranceUnits: 0.25 });
    ch.update(counts(2000), 0, cal, unit);
    expect(ch.update(counts(2000), 3000, cal, unit).stable).toBe(true);
    const touches = [5200, 3900, 6100, 2600, 4400];
    const samples = touches.map((g, i) => ch.update(counts(g), 3100 + i * 200, cal, unit));
    expect(samples.every((s) => !s.stable)).toBe(true);
    // hand lifted, one product taken: unstable until it settles, then 4 units
    expect(ch.update(counts(1600), 4200, cal, unit).stable).toBe(false);
    expect(ch.update(counts(1605), 5000, cal, unit).stable).toBe(false);
    expect(ch.update(counts(1598), 6200, cal, unit)).toMatchObject({ stable: true, units: 4 });
  });

  it('small noise within tolerance does not restart the window', () => {
    const ch = new ChannelState({ settleMs: 2000, toleranceUnits: 0.25 });
    ch.update(counts(2000), 0, cal, unit);
    ch.update(counts(2080), 900, cal, unit);
    expect(ch.update(counts(1930), 2000, cal, unit).stable).toBe(true);
  });

  it('a timestamp going backwards restarts the window', () => {
    const ch = new ChannelState({ settleMs: 2000, toleranceUnits: 0.25 });
    ch.update(counts(2000), 10_000, cal, unit);
    expect(ch.update(counts(2000), 5_000, cal, unit).stable).toBe(false);
  });

  it('a saturated amplifier is a fault, never stable, and keeps the last stable units', () => {
    const ch = new ChannelState({ settleMs: 2000, toleranceUnits: 0.25 });
    ch.update(counts(2000), 0, cal, unit);
    ch.update(counts(2000), 2000, cal, unit);
    expect(ch.update(COUNTS_MAX, 2500, cal, unit)).toMatchObject({ fault: 'saturated', stable: false, units: 5 });
    expect(ch.update(counts(2000), 2600, cal, unit).stable).toBe(false);
  });
});
