import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketMinutesAbove,
  buildHaccpReport,
  findExcursions,
  meanKineticTemperature,
  relatedTasks,
  resample,
  type AuditBucket,
  type HaccpTask,
  type SensorSeries,
} from '../../src/reports/index.js';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const MIN = 60_000;

/** 5-minute buckets from a list of [mean, min, max]; null leaves a gap. */
function series(values: ([number, number, number] | null)[], sensor = 'pr-2', placement: 'air' | 'product' = 'product'): SensorSeries {
  const buckets: AuditBucket[] = [];
  values.forEach((v, i) => {
    if (v) buckets.push({ t: T0 + i * 5 * MIN, mean: v[0], min: v[1], max: v[2], samples: 5 });
  });
  return { sensor, source: 'probe', placement, buckets };
}
const flat = (c: number): [number, number, number] => [c, c, c];

describe('meanKineticTemperature (ΔH = 83.144 kJ/mol, R = 8.3144 J/(mol·K))', () => {
  it('matches the formula computed independently', () => {
    expect(meanKineticTemperature([20, 30])).toBeCloseTo(26.2599, 3);
    expect(meanKineticTemperature([2, 3, 4, 12])).toBeCloseTo(6.3226, 3);
    expect(meanKineticTemperature([-18, -17, -25])).toBeCloseTo(-19.1909, 3);
  });

  it('is the temperature itself when constant, and null with no data', () => {
    expect(meanKineticTemperature([4, 4, 4])).toBeCloseTo(4, 9);
    expect(meanKineticTemperature([])).toBeNull();
  });

  it('lies between the arithmetic mean and the maximum (warm periods weigh more)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -40, max: 40, noNaN: true }), { minLength: 1, maxLength: 300 }), (temps) => {
        const mkt = meanKineticTemperature(temps)!;
        const mean = temps.reduce((a, b) => a + b, 0) / temps.length;
        expect(mkt).toBeGreaterThanOrEqual(mean - 1e-6);
        expect(mkt).toBeLessThanOrEqual(Math.max(...temps) + 1e-6);
      }),
      { seed: 1701 },
    );
  });
});

describe('bucketMinutesAbove', () => {
  it('counts whole buckets above, nothing at or below, and the share of a straddling bucket', () => {
    expect(bucketMinutesAbove({ min: 5.5, max: 7 }, 5)).toBe(5);
    expect(bucketMinutesAbove({ min: 3, max: 5 }, 5)).toBe(0);
    expect(bucketMinutesAbove({ min: 4, max: 6 }, 5)).toBeCloseTo(2.5, 9);
    expect(bucketMinutesAbove({ min: -20, max: -17 }, -18)).toBeCloseTo(5 / 3, 9);
  });
});

describe('findExcursions', () => {
  it('finds one excursion with its start, end, peak and minutes above the limit', () => {
    const s = series([flat(3), flat(4), [5, 4, 6], flat(7), [8, 7.5, 9.2], [5.5, 4, 7], flat(4), flat(3)]);
    const [e, ...rest] = findExcursions(s, 5, T0 + 8 * 5 * MIN);
    expect(rest).toHaveLength(0);
    expect(e).toMatchObject({ start: T0 + 10 * MIN, end: T0 + 30 * MIN, peakC: 9.2, ongoing: false, sensor: 'pr-2' });
    // 2.5 (half of 4..6) + 5 + 5 + 5·(2/3) (5..7 of 4..7)
    expect(e?.minutesAboveLimit).toBeCloseTo(2.5 + 5 + 5 + 3.33, 2);
  });

  it('a missing bucket ends an excursion; one running at the end of the period is ongoing', () => {
    const s = series([flat(6), flat(6), null, flat(6), flat(7)]);
    const found = findExcursions(s, 5, T0 + 25 * MIN);
    expect(found.map((e) => [e.start, e.end, e.ongoing])).toEqual([
      [T0, T0 + 10 * MIN, false],
      [T0 + 15 * MIN, T0 + 25 * MIN, true],
    ]);
  });

  it('finds nothing when the maximum never exceeds the limit (equal is within the limit)', () => {
    expect(findExcursions(series([flat(5), [4, 3, 5]]), 5, T0 + 10 * MIN)).toEqual([]);
  });

  it('works for frozen limits (negative temperatures)', () => {
    const [e] = findExcursions(series([flat(-21), flat(-17), flat(-16), flat(-20)]), -18, T0 + 20 * MIN);
    expect(e).toMatchObject({ peakC: -16, minutesAboveLimit: 10 });
  });
});

describe('resample', () => {
  it('folds 5-minute buckets into aligned 15-minute rows, sample-weighted, and shows gaps as empty rows', () => {
    const s: SensorSeries = {
      sensor: 'pr-2',
      source: 'probe',
      placement: 'product',
      buckets: [
        { t: T0, mean: 3, min: 2.5, max: 3.5, samples: 5 },
        { t: T0 + 5 * MIN, mean: 6, min: 4, max: 8, samples: 10 },
        { t: T0 + 10 * MIN, mean: 3, min: 3, max: 3, samples: 5 },
        { t: T0 + 30 * MIN, mean: 4, min: 4, max: 4, samples: 5 },
      ],
    };
    const rows = resample(s, T0, T0 + 45 * MIN, 15);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ from: T0, to: T0 + 15 * MIN, meanC: 4.5, minC: 2.5, maxC: 8, samples: 20 });
    expect(rows[1]).toMatchObject({ meanC: null, minC: null, maxC: null, samples: 0 });
    expect(rows[2]).toMatchObject({ meanC: 4, samples: 5 });
  });
});

describe('buildHaccpReport', () => {
  const tasks: HaccpTask[] = [
    { id: 't-1', kind: 'temperature_excursion', raisedAt: T0 + 15 * MIN, closedAt: T0 + 50 * MIN, note: 'Moved stock to case 3', closedBy: 'omar' },
    { id: 't-2', kind: 'sensor_fault', raisedAt: T0 + 200 * MIN, closedAt: T0 + 210 * MIN, note: 'Replaced probe battery', closedBy: 'anna' },
    { id: 't-3', kind: 'temperature_excursion', raisedAt: T0 + 16 * MIN, closedAt: null, note: null, closedBy: null },
  ];

  it('relates tasks open during an excursion (or within the hour after) and keeps their notes as corrective actions', () => {
    expect(relatedTasks({ start: T0 + 10 * MIN, end: T0 + 30 * MIN }, tasks).map((t) => t.id)).toEqual(['t-1', 't-3']);
    const report = buildHaccpReport({
      caseId: 'case-1',
      from: T0,
      to: T0 + 60 * MIN,
      limitC: 5,
      series: [series([flat(3), flat(4), flat(6), flat(7), flat(6), flat(4), flat(3), flat(3), flat(3), flat(3), flat(3), flat(3)]), series(Array.from({ length: 12 }, () => flat(2)), 'pr-1', 'air')],
      tasks,
    });
    expect(report.excursions).toHaveLength(1);
    expect(report.excursions[0]?.correctiveActions.map((a) => a.note)).toEqual(['Moved stock to case 3']);
    expect(report.correctiveActions.map((a) => a.taskId)).toEqual(['t-1', 't-2']);
    expect(report.primarySensor).toBe('pr-2');
    expect(report.minutesAboveLimit).toBe(15);
    expect(report.rows).toHaveLength(8);
    expect(report.sensors.find((s) => s.sensor === 'pr-1')).toMatchObject({ mktC: 2, coverage: 1, minutesAboveLimit: 0 });
    expect(report.mktC).toBeGreaterThan(report.sensors.find((s) => s.sensor === 'pr-2')!.meanC!);
  });

  it('prefers the product probe, then an air probe, then the controller for the case figures', () => {
    const controller: SensorSeries = { ...series([flat(9)], 'ctl-1', 'air'), source: 'controller' };
    const report = buildHaccpReport({ caseId: 'c', from: T0, to: T0 + 5 * MIN, limitC: 5, series: [controller, series([flat(2)], 'pr-1', 'air')], tasks: [] });
    expect(report.primarySensor).toBe('pr-1');
    expect(buildHaccpReport({ caseId: 'c', from: T0, to: T0 + 5 * MIN, limitC: 5, series: [controller], tasks: [] }).primarySensor).toBe('ctl-1');
  });
});
