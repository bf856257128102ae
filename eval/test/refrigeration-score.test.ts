import type { TaskWithHistory } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';
import { scoreRun } from '../src/score-run.js';
import { atRisk, fault, layout, run, task } from './fixtures.js';

const H = 60;
const KEY = 'plant:case-deli';
const warning = (raisedMin: number, closedMin: number | null = null, key = KEY): TaskWithHistory => ({ ...task('refrigeration_maintenance', key, raisedMin, closedMin), title: 'Refrigeration losing cooling capacity' });
const score = (truth: GroundTruthEvent[], tasks: TaskWithHistory[], hours = 24) => scoreRun({ truth: run(truth, hours), tasks, layout }).forecast.refrigeration;

describe('failing refrigeration ahead of time', () => {
  it('a leak warned 5 h before the product crossed its limit counts; one warned 1 h before is warned but too late', () => {
    const s = score(
      [fault('refrigerant_leak', 'case-deli', 10 * H, 30 * H), atRisk('case-deli', 18 * H, 22 * H), fault('condenser_fouling', 'case-frozen', 10 * H, 30 * H), atRisk('case-frozen', 16 * H, 17 * H, { category: 'frozen' })],
      [warning(13 * H), warning(15 * H, null, 'plant:case-frozen')],
    );
    expect(s).toMatchObject({ failures: 2, warned: 1, warnedAny: 2, warnedShare: 0.5, medianLeadH: 3, falseWarnings: 0, warnings: 2 });
    expect(s.missed).toEqual([expect.objectContaining({ caseId: 'case-frozen', fault: 'condenser_fouling', leadH: 1 })]);
  });

  it('a failure whose product never crossed its limit is not counted; no warning at all is a miss', () => {
    const s = score([fault('evaporator_icing', 'case-deli', 10 * H, 20 * H), fault('refrigerant_leak', 'case-frozen', 10 * H, 20 * H), atRisk('case-frozen', 12 * H, 13 * H, { category: 'frozen' })], []);
    expect(s).toMatchObject({ failures: 1, notCrossed: 1, warned: 0, warnedShare: 0, medianLeadH: null });
  });

  it('a warning with no plant fault of its case is false, per case-month; a stopped compressor earns one', () => {
    // Two cases over 15 days = one case-month.
    const s = score([fault('compressor_failure', 'case-frozen', 3 * H, 5 * H), fault('door_ajar', 'case-deli', 30 * H, 31 * H)], [warning(4 * H, null, 'plant:case-frozen'), warning(30 * H)], 15 * 24);
    expect(s).toMatchObject({ warnings: 2, falseWarnings: 1, failures: 0, warnedShare: null });
    expect(s.falseWarningsPerCaseMonth).toBeCloseTo(1, 6);
    expect(s.falseExamples).toEqual([expect.objectContaining({ caseId: 'case-deli' })]);
  });

  it('a failure starting before a normal could be learned is not counted', () => {
    const s = score([fault('refrigerant_leak', 'case-deli', 1 * H, 20 * H), atRisk('case-deli', 5 * H, 14 * H)], []);
    expect(s).toMatchObject({ failures: 0, excludedEarly: 1, warnedShare: null });
  });

  it('a warning closed before the product crossed its limit does not count for it', () => {
    const s = score([fault('refrigerant_leak', 'case-deli', 10 * H, 20 * H), atRisk('case-deli', 14 * H, 16 * H)], [warning(11 * H, 12 * H)]);
    expect(s).toMatchObject({ failures: 1, warnedAny: 0, warned: 0 });
  });
});
