import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_CELL, LoadCellChannel } from '../../src/world/load-cell.js';
import { Rng } from '../../src/world/rng.js';

const calibration = { offsetCounts: 10_000, countsPerGram: 200 };

function install(initialG = 1000) {
  return LoadCellChannel.install(calibration, DEFAULT_LOAD_CELL, new Rng(7, 'cell'), initialG);
}

describe('HX711 load-cell channel', () => {
  it('reads offset + scale × grams within a small installation error, with noise of a few counts', () => {
    const cell = install(1000);
    const reads = Array.from({ length: 500 }, (_, i) => cell.read(i * 100, DEFAULT_LOAD_CELL.referenceC));
    const mean = reads.reduce((a, b) => a + b, 0) / reads.length;
    const sd = Math.sqrt(reads.reduce((a, b) => a + (b - mean) ** 2, 0) / reads.length);
    const grams = (mean - calibration.offsetCounts) / calibration.countsPerGram;
    expect(Math.abs(grams - 1000)).toBeLessThan(10);
    expect(sd).toBeGreaterThan(1);
    expect(sd).toBeLessThan(6);
    expect(reads.every(Number.isInteger)).toBe(true);
  });

  it('rings after a change and settles on the new load', () => {
    const cell = install(1000);
    cell.change(-500, 0);
    expect(cell.settled(500)).toBe(false);
    expect(Math.abs(cell.apparentGrams(300) - 500)).toBeGreaterThan(20);
    expect(cell.apparentGrams(10_000)).toBeCloseTo(500, 6);
    expect(cell.settled(10_000)).toBe(true);
  });

  it('returns to the same load after a touch (press or lift put back)', () => {
    const cell = install(2000);
    cell.change(+400, 1000);
    cell.change(-400, 3000);
    expect(cell.apparentGrams(2000)).toBeGreaterThan(2200);
    expect(cell.apparentGrams(20_000)).toBeCloseTo(2000, 6);
  });

  it('drifts with temperature, not with time', () => {
    const cell = install(1000);
    const warm = cell.read(0, DEFAULT_LOAD_CELL.referenceC + 5);
    const cold = cell.read(1, DEFAULT_LOAD_CELL.referenceC - 5);
    expect(warm - cold).toBeGreaterThan(DEFAULT_LOAD_CELL.driftCountsPerC * 10 - 30);
  });

  it('clips at the 24-bit rails like the chip', () => {
    const cell = LoadCellChannel.install({ offsetCounts: 0, countsPerGram: 1000 }, DEFAULT_LOAD_CELL, new Rng(1), 100_000);
    expect(cell.read(0, 21)).toBe(8_388_607);
  });
});
