import { describe, expect, it } from 'vitest';
import { scoreRun, scoreRuns } from '../src/score-run.js';
import { atRisk, defrost, doorOpen, fault, layout, oos, planogram, run, task } from './fixtures.js';

describe('scoreRun: out of stock', () => {
  it('perfect detection: precision 1, recall 1, delay from the interval start', () => {
    const truth = run([oos('a1-s1-1', 60, 120), oos('a1-s1-2', 200, 260)]);
    const tasks = [task('out_of_stock', 'slot:a1-s1-1', 61, 125), task('out_of_stock', 'slot:a1-s1-2', 205, 262)];
    const s = scoreRun({ truth, tasks, layout }).outOfStock;
    expect(s).toMatchObject({ precision: 1, recall: 1, tp: 2, fp: 0, fn: 0, truthIntervals: 2, tasks: 2, medianDelayS: 180, worstDelayS: 300 });
  });

  it('a task on a slot that was never empty is a false alarm', () => {
    const truth = run([oos('a1-s1-1', 60, 120)]);
    const tasks = [task('out_of_stock', 'slot:a1-s1-1', 62), task('out_of_stock', 'slot:a1-s1-2', 62)];
    const s = scoreRun({ truth, tasks, layout }).outOfStock;
    expect(s).toMatchObject({ precision: 0.5, recall: 1, tp: 1, fp: 1 });
    expect(s.falseAlarms).toEqual([expect.objectContaining({ locationKey: 'slot:a1-s1-2' })]);
  });

  it('a task at the right place but long after the interval ended is false, and the interval is missed', () => {
    const truth = run([oos('a1-s1-1', 60, 120)]);
    const s = scoreRun({ truth, tasks: [task('out_of_stock', 'slot:a1-s1-1', 120 + 11)], layout }).outOfStock;
    expect(s).toMatchObject({ precision: 0, recall: 0, fp: 1, fn: 1 });
    expect(s.missed).toEqual([expect.objectContaining({ key: 'slot:a1-s1-1', what: ['out_of_stock'] })]);
  });

  it('a task raised before the interval beyond the lead tolerance is false', () => {
    const truth = run([oos('a1-s1-1', 60, 120)]);
    const s = scoreRun({ truth, tasks: [task('out_of_stock', 'slot:a1-s1-1', 58, 59)], layout }).outOfStock;
    expect(s).toMatchObject({ fp: 1, fn: 1 });
  });

  it('a missed interval lowers recall, not precision', () => {
    const truth = run([oos('a1-s1-1', 60, 120), oos('a1-s1-2', 60, 120)]);
    const s = scoreRun({ truth, tasks: [task('out_of_stock', 'slot:a1-s1-1', 65)], layout }).outOfStock;
    expect(s).toMatchObject({ precision: 1, recall: 0.5, fn: 1, truthIntervals: 2 });
  });

  it('late detection within the grace period matches, with the delay counted from the start', () => {
    const truth = run([oos('a1-s1-1', 60, 75)]);
    const s = scoreRun({ truth, tasks: [task('out_of_stock', 'slot:a1-s1-1', 80)], layout }).outOfStock;
    expect(s).toMatchObject({ precision: 1, recall: 1, medianDelayS: 20 * 60, worstDelayS: 20 * 60 });
  });

  it('a re-raise after auto-resolve within the same interval is a duplicate, not a false alarm', () => {
    const truth = run([oos('a1-s1-1', 60, 180)]);
    const tasks = [task('out_of_stock', 'slot:a1-s1-1', 62, 90), task('out_of_stock', 'slot:a1-s1-1', 100)];
    const s = scoreRun({ truth, tasks, layout }).outOfStock;
    expect(s).toMatchObject({ precision: 1, recall: 1, tp: 1, fp: 0, duplicates: 1, tasks: 2, medianDelayS: 120 });
  });

  it('short churn is excluded from recall, and a task for it is still not false', () => {
    const truth = run([oos('a1-s1-1', 60, 63), oos('a1-s1-2', 60, 63)]);
    const s = scoreRun({ truth, tasks: [task('out_of_stock', 'slot:a1-s1-1', 62)], layout }).outOfStock;
    expect(s).toMatchObject({ precision: 1, recall: null, truthIntervals: 0, excludedShort: 2, episodes: 2, medianDelayS: null });
  });

  it('intervals a few minutes apart at one slot are one episode: one task covers them', () => {
    const truth = run([oos('a1-s1-1', 60, 80), oos('a1-s1-2', 0, 1), oos('a1-s1-1', 84, 120)]);
    const s = scoreRun({ truth, tasks: [task('out_of_stock', 'slot:a1-s1-1', 61, 122)], layout }).outOfStock;
    expect(s).toMatchObject({ recall: 1, truthIntervals: 1, episodes: 2, tp: 1 });
  });

  it('a condition that returns while its task is still open is detected (carried over), without a delay sample', () => {
    const truth = run([oos('a1-s1-1', 60, 90), oos('a1-s1-1', 200, 260)]);
    const s = scoreRun({ truth, tasks: [task('out_of_stock', 'slot:a1-s1-1', 61)], layout }).outOfStock;
    expect(s).toMatchObject({ recall: 1, detected: 2, carriedOver: 1, worstDelayS: 60 });
  });

  it('an interval still open at the end and too young to expect a task is censored, not missed', () => {
    const truth = run([oos('a1-s1-1', 24 * 60 - 12, 24 * 60, true)]);
    const s = scoreRun({ truth, tasks: [], layout }).outOfStock;
    expect(s).toMatchObject({ recall: null, truthIntervals: 0, censoredAtEnd: 1, fn: 0 });
  });

  it('other task kinds are not scored as out of stock', () => {
    const truth = run([oos('a1-s1-1', 60, 120)]);
    const scores = scoreRun({ truth, tasks: [task('verify_stock', 'slot:a1-s1-1', 70), task('low_stock', 'slot:a1-s1-1', 50)], layout });
    expect(scores.outOfStock).toMatchObject({ tasks: 0, precision: null, recall: 0 });
    expect(scores.unscoredTasks).toEqual({ verify_stock: 1 });
    expect(scores.lowStock).toMatchObject({ tasks: 1, fp: 1 });
  });
});

describe('scoreRun: planogram', () => {
  it('wrong product and missing facings overlapping on one slot are one episode for one task', () => {
    const truth = run([planogram('a1-s1-1', 60, 180), planogram('a1-s1-1', 90, 200, 'missing_facings')]);
    const s = scoreRun({ truth, tasks: [task('planogram_violation', 'slot:a1-s1-1', 72, 205)], layout }).planogram;
    expect(s).toMatchObject({ precision: 1, recall: 1, truthIntervals: 1, medianDelayS: 12 * 60 });
  });

  it('a violation put right within 30 minutes is not held against recall', () => {
    const s = scoreRun({ truth: run([planogram('a1-s1-2', 60, 80)]), tasks: [], layout }).planogram;
    expect(s).toMatchObject({ recall: null, excludedShort: 1 });
  });
});

describe('scoreRun: cold chain', () => {
  it('an excursion raised for a door left ajar matches the door_ajar fault before any product is at risk', () => {
    const truth = run([fault('door_ajar', 'case-deli', 100, 160), doorOpen('case-deli', 100, 160, true), atRisk('case-deli', 140, 220)]);
    const tasks = [task('temperature_excursion', 'case:case-deli', 106, 230), task('spoilage', 'case:case-deli', 215)];
    const scores = scoreRun({ truth, tasks, layout });
    expect(scores.coldChain).toMatchObject({ precision: 1, recall: 1, tp: 1, followUps: 1, fp: 0, medianDelayS: 6 * 60, truthIntervals: 1 });
    expect(scores.falseAlarmsPerCaseDay).toBe(0);
  });

  it('spoilage cannot be supported by a door fault alone: product was never above its limit', () => {
    const truth = run([fault('door_ajar', 'case-deli', 100, 160)]);
    const s = scoreRun({ truth, tasks: [task('spoilage', 'case:case-deli', 120)], layout }).coldChain;
    expect(s).toMatchObject({ fp: 1, fn: 1 });
  });

  it('false alarms per case-day are attributed to the defrost or door opening they followed', () => {
    const truth = run([defrost('case-frozen', 300, 330), doorOpen('case-deli', 600, 601), atRisk('case-deli', 900, 960)]);
    const tasks = [
      task('temperature_excursion', 'case:case-frozen', 340),
      task('temperature_excursion', 'case:case-deli', 620),
      task('temperature_excursion', 'case:case-deli', 700),
      task('temperature_excursion', 'case:case-deli', 905),
    ];
    const scores = scoreRun({ truth, tasks, layout });
    // 3 false alarms over 2 cases × 1 day.
    expect(scores.falseAlarmsPerCaseDay).toBe(1.5);
    expect(scores.coldChainFalseAlarms).toEqual({ count: 3, caseDays: 2, nearDefrost: 1, nearDoorOpen: 1, other: 1 });
    expect(scores.coldChain).toMatchObject({ tp: 1, fp: 3, precision: 0.25, recall: 1 });
  });

  it('a frozen rise that stays within the tolerated -15 °C is not held against recall', () => {
    const truth = run([atRisk('case-frozen', 100, 200, { category: 'frozen', peakC: -16 }), atRisk('case-frozen', 400, 500, { category: 'frozen', peakC: -12 })]);
    const s = scoreRun({ truth, tasks: [], layout }).coldChain;
    expect(s).toMatchObject({ truthIntervals: 1, excludedShort: 1, fn: 1, recall: 0 });
  });

  it('an early warning up to 30 minutes before the product crosses its limit counts', () => {
    const truth = run([atRisk('case-deli', 100, 200)]);
    const early = scoreRun({ truth, tasks: [task('temperature_excursion', 'case:case-deli', 75)], layout }).coldChain;
    expect(early).toMatchObject({ tp: 1, medianDelayS: 0 });
    const tooEarly = scoreRun({ truth, tasks: [task('temperature_excursion', 'case:case-deli', 65, 66)], layout }).coldChain;
    expect(tooEarly).toMatchObject({ fp: 1, fn: 1 });
  });
});

describe('scoreRun: sensor faults', () => {
  it('maps probe, controller and weight task keys to the faulty device', () => {
    const truth = run([
      fault('probe_stuck', 'probe-deli-prod', 60, 300),
      fault('controller_offline', 'ctrl-frozen', 60, 120),
      fault('board_corrupt_frames', 'board-1', 60, 120),
      fault('probe_noisy', 'probe-frozen-air', 60, 120),
    ]);
    const tasks = [
      task('sensor_fault', 'probe:probe-deli-prod', 130),
      task('sensor_fault', 'controller:case-frozen', 95),
      task('sensor_fault', 'weight:a1-s1-2', 70),
      task('sensor_fault', 'controller:no-such-case', 70),
    ];
    const s = scoreRun({ truth, tasks, layout }).sensorFault;
    expect(s).toMatchObject({ tp: 3, fp: 1, unmapped: 1, truthIntervals: 4, detected: 3, fn: 1 });
  });

  it('case faults are cold chain, not sensor faults; unknown faults are reported', () => {
    const scores = scoreRun({ truth: run([fault('compressor_failure', 'case-frozen', 60, 200), fault('mystery', 'x', 1, 2)]), tasks: [], layout });
    expect(scores.sensorFault.episodes).toBe(0);
    expect(scores.coldChain).toMatchObject({ truthIntervals: 1, fn: 1 });
    expect(scores.unscoredFaults).toEqual({ mystery: 1 });
  });
});

describe('scoreRun: probe faults and store outages', () => {
  it('a probe off by less than its accuracy class warrants no task; a task for it is still not false; probe-data keys name the probe', () => {
    const small = { ...fault('probe_offset', 'probe-deli-air', 60, 300), detail: { offsetC: 0.5 } };
    const large = { ...fault('probe_offset', 'probe-frozen-air', 60, 300), detail: { offsetC: 2.5 } };
    const s = scoreRun({ truth: run([small, large]), tasks: [task('sensor_fault', 'probe-data:probe-deli-air', 90), task('sensor_fault', 'probe-data:probe-frozen-air', 120)], layout }).sensorFault;
    expect(s).toMatchObject({ tasks: 2, fp: 0, truthIntervals: 1, detected: 1, excludedShort: 1 });
  });

  it('one store task per power cut; per-device tasks during it are counted against tasksPerOutage, not as false claims; the wall-clock watchdog is not scored', () => {
    const truth = run([{ ...fault('power_cut', 'store-1', 60, 110) }]);
    const tasks = [
      task('sensor_fault', 'store:store-1', 64),
      task('sensor_fault', 'device:probe-deli-air', 70),
      task('sensor_fault', 'gateway:store-1', 66),
      task('sensor_fault', 'device:cam-1', 300),
    ];
    const scores = scoreRun({ truth, tasks, layout });
    expect(scores.storeOutage).toMatchObject({ tasks: 1, tp: 1, fp: 0, recall: 1, medianDelayS: 240, outages: 1, tasksPerOutage: 2 });
    expect(scores.sensorFault).toMatchObject({ tasks: 2, fp: 1, truthIntervals: 0 });
    expect(scores.sensorFault.falseAlarms.map((f) => f.locationKey)).toEqual(['device:cam-1']);
    expect(scores.unscoredFaults).toEqual({});
  });
});

describe('scoreRun: what happened while the store was dark', () => {
  it('only time outside a power cut counts toward the warranted minimum: a sell-out seen for 3 min after it is too brief, one seen for 20 min is missed', () => {
    const cut = { ...fault('power_cut', 'store-1', 60, 110) };
    const s = scoreRun({ truth: run([cut, oos('a1-s1-1', 80, 113), oos('a1-s1-2', 80, 130)]), tasks: [], layout }).outOfStock;
    expect(s).toMatchObject({ truthIntervals: 1, excludedShort: 1, fn: 1 });
    expect(s.missed.map((m) => m.key)).toEqual(['slot:a1-s1-2']);
  });
});

describe('scoreRun: empty sets are null, never NaN', () => {
  it('no truth, no tasks', () => {
    const scores = scoreRun({ truth: [], tasks: [], layout });
    for (const s of [scores.outOfStock, scores.planogram, scores.coldChain, scores.lowStock, scores.sensorFault]) {
      expect(s).toMatchObject({ precision: null, recall: null, medianDelayS: null, worstDelayS: null, tp: 0, fp: 0, fn: 0 });
    }
    expect(scores.falseAlarmsPerCaseDay).toBeNull();
    expect(JSON.stringify(scores)).not.toContain('NaN');
  });

  it('tasks but no truth: precision 0, recall null', () => {
    const s = scoreRun({ truth: run([]), tasks: [task('out_of_stock', 'slot:a1-s1-1', 5)], layout }).outOfStock;
    expect(s).toMatchObject({ precision: 0, recall: null });
  });
});

describe('scoreRuns', () => {
  it('pools counts and delays across runs and sums case-days', () => {
    const a = { truth: run([oos('a1-s1-1', 60, 120)]), tasks: [task('out_of_stock', 'slot:a1-s1-1', 61)], layout };
    const b = { truth: run([oos('a1-s1-1', 60, 120)], 12), tasks: [task('out_of_stock', 'slot:a1-s1-1', 64), task('temperature_excursion', 'case:case-deli', 300)], layout };
    const scores = scoreRuns([a, b]);
    expect(scores.outOfStock).toMatchObject({ tp: 2, medianDelayS: 150, worstDelayS: 240 });
    expect(scores.runs).toBe(2);
    expect(scores.simulatedDays).toBe(1.5);
    expect(scores.coldChainFalseAlarms.caseDays).toBe(3);
    expect(scores.falseAlarmsPerCaseDay).toBeCloseTo(1 / 3);
  });
});
