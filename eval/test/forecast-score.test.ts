import { FORECAST_HORIZON_EVIDENCE } from '@shelfwatch/contracts';
import type { TaskWithHistory } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';
import { scoreRun } from '../src/score-run.js';
import { at, layout, oos, run, task } from './fixtures.js';

const SLOT = 'slot:a1-s1-1';
const backroom = (sku: string, units: number, min = 0): GroundTruthEvent => ({ type: 'backroom', ts: at(min), sku, units, cause: min === 0 ? 'initial' : 'restock' });
const restock = (slotId: string, min: number): GroundTruthEvent => ({ type: 'restock', ts: at(min), slotId, sku: 'PASTA-500', units: 10, by: 'auto' });
const low = (startMin: number, endMin: number): GroundTruthEvent => ({
  type: 'low_stock', ts: at(endMin), slotId: 'a1-s1-1', sku: 'PASTA-500', reorderPoint: 3, startMs: at(startMin), endMs: at(endMin), minutes: endMin - startMin, openAtEnd: false,
});
/** A restock-soon warning with the forecast's horizon at `horizonMin`. */
const warning = (raisedMin: number, closedMin: number | null, horizonMin: number): TaskWithHistory => ({
  ...task('low_stock', SLOT, raisedMin, closedMin),
  title: 'Restock before 10:00 UTC',
  evidence: [{ ts: at(horizonMin), text: `${FORECAST_HORIZON_EVIDENCE} (11:00 UTC)` }],
});
const score = (truth: GroundTruthEvent[], tasks: TaskWithHistory[], hours = 24) => scoreRun({ truth: run([backroom('PASTA-500', 40), ...truth], hours), tasks, layout }).forecast.outOfStock;

describe('sell-outs ahead of time', () => {
  it('a warning 45 min ahead counts; 10 min ahead is a warning but not early enough', () => {
    const s = score([oos('a1-s1-1', 120, 150), oos('a1-s1-1', 400, 430)], [warning(75, 122, 200), warning(390, 402, 480)]);
    expect(s).toMatchObject({ sellOuts: 2, warned: 1, warnedAny: 2, warnedShare: 0.5, anyWarningShare: 1, medianLeadMin: 27.5, falseWarnings: 0, earned: 2 });
  });

  it('a warning whose horizon passes with no sell-out and no restock is false; a restock earns it', () => {
    const s = score([restock('a1-s1-1', 300)], [warning(100, 200, 180), warning(280, 301, 400)]);
    expect(s).toMatchObject({ warnings: 2, earned: 1, falseWarnings: 1, sellOuts: 0, warnedShare: null });
    // Two slots over a day.
    expect(s.falseWarningsPerSlotDay).toBeCloseTo(0.5, 6);
    expect(s.falseExamples[0]).toMatchObject({ slotId: 'a1-s1-1', raisedAt: at(100) });
  });

  it('a warning at the reorder point without a forecast is earned by the shelf being at its reorder point, however slowly it then sells', () => {
    const plain = task('low_stock', SLOT, 100, 700);
    // Down to the reorder point at 95 min; it sold out nine hours later, nobody having restocked.
    expect(score([low(95, 660), oos('a1-s1-1', 640, 660)], [plain])).toMatchObject({ earned: 1, falseWarnings: 0, reorderPointWarnings: 1, warned: 1 });
    // Not down to it until hours later (a miscount then): false.
    expect(score([low(400, 500)], [plain])).toMatchObject({ earned: 0, falseWarnings: 1, censored: 0 });
    // Raised a few minutes before the count reached it (a shopper still holding a unit): earned.
    expect(score([low(105, 200)], [plain])).toMatchObject({ earned: 1, falseWarnings: 0 });
  });

  it('an unearned warning whose horizon is after the end is censored, not false', () => {
    expect(score([], [warning(100, null, 200)], 3)).toMatchObject({ warnings: 0, censored: 1, falseWarnings: 0 });
  });

  it('sell-outs in the first hour, short gaps and sell-outs with an empty backroom are not counted', () => {
    const s = score([oos('a1-s1-1', 30, 60), oos('a1-s1-2', 200, 205), backroom('PASTA-500', 0, 250), oos('a1-s1-2', 300, 360)], []);
    expect(s).toMatchObject({ sellOuts: 0, excludedEarly: 1, excludedBackroomEmpty: 1, warnedShare: null, medianLeadMin: null });
  });
});

describe('low stock section with warnings ahead of time', () => {
  const lowStock = (truth: GroundTruthEvent[], tasks: TaskWithHistory[]) => scoreRun({ truth: run([backroom('PASTA-500', 40), ...truth]), tasks, layout }).lowStock;

  it('a "Restock before" raised 40 min ahead detects the low stock that follows within its horizon', () => {
    expect(lowStock([low(100, 160)], [warning(60, 170, 130)])).toMatchObject({ tp: 1, fp: 0, fn: 0 });
  });

  it('one that nothing followed (restocked in time) is the forecast\'s to answer for, not a false low-stock alarm', () => {
    expect(lowStock([], [warning(60, 80, 130)])).toMatchObject({ tasks: 0, fp: 0, warningsElsewhere: 1 });
  });

  it('a plain "Low stock" with no low stock behind it stays false, and a warning past its horizon does not detect', () => {
    expect(lowStock([], [task('low_stock', SLOT, 60, 80)])).toMatchObject({ tasks: 1, fp: 1 });
    expect(lowStock([low(200, 260)], [warning(60, 80, 130)])).toMatchObject({ tp: 0, fn: 1 });
  });

  it('a warning still open when the low stock comes detects it, even past its horizon (the pace slowed)', () => {
    expect(lowStock([low(200, 260)], [warning(60, 230, 130)])).toMatchObject({ tp: 1, fp: 0, fn: 0, medianDelayS: 0 });
    expect(lowStock([low(200, 260)], [task('low_stock', SLOT, 60, 230)])).toMatchObject({ tp: 1, fp: 0, fn: 0 });
  });

  it('out of stock takes no warnings ahead: an early task still open at the onset stays false', () => {
    const s = scoreRun({ truth: run([oos('a1-s1-1', 200, 260)]), tasks: [task('out_of_stock', SLOT, 60, 230)], layout }).outOfStock;
    expect(s).toMatchObject({ tp: 0, fp: 1, fn: 1 });
  });
});
