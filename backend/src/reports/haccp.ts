/**
 * HACCP temperature records for one refrigerated case, computed from the 5-minute audit
 * series (RP "audit": probe_temperature_5m, case_controller_5m; see dashboards/README.md).
 * Pure functions: no I/O, no clock.
 */

/** One 5-minute bucket of the audit series. */
export interface AuditBucket {
  /** Bucket start, ms since the epoch. */
  t: number;
  mean: number;
  min: number;
  max: number;
  samples: number;
}

export interface SensorSeries {
  /** Probe id, or the controller id for the controller's own air sensor. */
  sensor: string;
  source: 'probe' | 'controller';
  placement: 'air' | 'product';
  buckets: AuditBucket[];
}

export interface HaccpTask {
  id: string;
  kind: string;
  raisedAt: number;
  closedAt: number | null;
  note: string | null;
  closedBy: string | null;
}

export interface HaccpRow {
  sensor: string;
  placement: 'air' | 'product';
  from: number;
  to: number;
  /** Null where the interval has no data: a gap the auditor must see. */
  meanC: number | null;
  minC: number | null;
  maxC: number | null;
  samples: number;
}

export interface CorrectiveAction {
  taskId: string;
  kind: string;
  raisedAt: number;
  closedAt: number | null;
  closedBy: string | null;
  note: string;
}

export interface Excursion {
  sensor: string;
  placement: 'air' | 'product';
  /** Start of the first 5-minute bucket whose maximum exceeded the limit. */
  start: number;
  /** End of the last such bucket. */
  end: number;
  peakC: number;
  minutesAboveLimit: number;
  /** Still above the limit at the end of the reporting period. */
  ongoing: boolean;
  correctiveActions: CorrectiveAction[];
}

export interface SensorSummary {
  sensor: string;
  source: 'probe' | 'controller';
  placement: 'air' | 'product';
  minC: number | null;
  maxC: number | null;
  meanC: number | null;
  mktC: number | null;
  minutesAboveLimit: number;
  /** Share of the period's 5-minute buckets that hold data, 0..1. */
  coverage: number;
}

export interface HaccpReport {
  caseId: string;
  from: number;
  to: number;
  limitC: number;
  intervalMinutes: number;
  /** The sensor the case-level figures come from: product probe, else air probe, else controller. */
  primarySensor: string | null;
  /** Mean kinetic temperature of the case over the period (primary sensor). */
  mktC: number | null;
  minutesAboveLimit: number;
  sensors: SensorSummary[];
  rows: HaccpRow[];
  excursions: Excursion[];
  /** Every task with a recorded corrective action in the period, related to an excursion or not. */
  correctiveActions: CorrectiveAction[];
}

export const AUDIT_BUCKET_MINUTES = 5;
const MIN_MS = 60_000;

/** ΔH = 83.144 kJ/mol, R = 8.3144 J/(mol·K): ΔH/R = 10 000 K (the USP/ICH convention). */
export const MKT_ACTIVATION_ENERGY_J_PER_MOL = 83_144;
export const GAS_CONSTANT_J_PER_MOL_K = 8.3144;
const KELVIN = 273.15;

/**
 * Mean kinetic temperature (°C) of equally spaced temperatures (°C):
 * T_k = (ΔH/R) / -ln( (1/n) Σ exp(-ΔH / (R·T_i)) ), temperatures in kelvin.
 * It weighs warm periods more than the arithmetic mean, as degradation does.
 */
export function meanKineticTemperature(tempsC: readonly number[]): number | null {
  if (tempsC.length === 0) return null;
  const hOverR = MKT_ACTIVATION_ENERGY_J_PER_MOL / GAS_CONSTANT_J_PER_MOL_K;
  // Factor out the largest term so the exponentials neither underflow nor lose precision.
  const exponents = tempsC.map((c) => -hOverR / (c + KELVIN));
  const top = Math.max(...exponents);
  const sum = exponents.reduce((s, e) => s + Math.exp(e - top), 0);
  const lnMean = top + Math.log(sum / tempsC.length);
  return hOverR / -lnMean - KELVIN;
}

/**
 * Minutes of one bucket above the limit. Only min, mean and max of the bucket survive
 * downsampling: entirely above counts the whole bucket, entirely at or below counts
 * nothing, and a bucket that straddles the limit counts the share of its range above it
 * (samples spread evenly between min and max), which neither hides nor inflates it.
 */
export function bucketMinutesAbove(b: Pick<AuditBucket, 'min' | 'max'>, limitC: number, bucketMinutes = AUDIT_BUCKET_MINUTES): number {
  if (b.min > limitC) return bucketMinutes;
  if (b.max <= limitC) return 0;
  return (bucketMinutes * (b.max - limitC)) / (b.max - b.min);
}

/** Regular intervals over [from, to), aligned to the interval (UTC), with every bucket folded in. */
export function resample(series: SensorSeries, from: number, to: number, intervalMinutes: number): HaccpRow[] {
  const step = intervalMinutes * MIN_MS;
  const rows: HaccpRow[] = [];
  for (let start = Math.floor(from / step) * step; start < to; start += step) {
    const end = start + step;
    const inside = series.buckets.filter((b) => b.t >= start && b.t < end && b.t >= from && b.t < to);
    const weight = inside.reduce((n, b) => n + Math.max(1, b.samples), 0);
    rows.push({
      sensor: series.sensor,
      placement: series.placement,
      from: Math.max(start, from),
      to: Math.min(end, to),
      meanC: inside.length ? round(inside.reduce((s, b) => s + b.mean * Math.max(1, b.samples), 0) / weight) : null,
      minC: inside.length ? Math.min(...inside.map((b) => b.min)) : null,
      maxC: inside.length ? Math.max(...inside.map((b) => b.max)) : null,
      samples: inside.reduce((n, b) => n + b.samples, 0),
    });
  }
  return rows;
}

/** Runs of consecutive buckets whose maximum exceeds the limit; a missing bucket ends a run. */
export function findExcursions(series: SensorSeries, limitC: number, periodEnd: number, bucketMinutes = AUDIT_BUCKET_MINUTES): Omit<Excursion, 'correctiveActions'>[] {
  const bucketMs = bucketMinutes * MIN_MS;
  const sorted = [...series.buckets].sort((a, b) => a.t - b.t);
  const out: Omit<Excursion, 'correctiveActions'>[] = [];
  let run: AuditBucket[] = [];
  const close = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first && last) {
      out.push({
        sensor: series.sensor,
        placement: series.placement,
        start: first.t,
        end: last.t + bucketMs,
        peakC: Math.max(...run.map((b) => b.max)),
        minutesAboveLimit: round(run.reduce((m, b) => m + bucketMinutesAbove(b, limitC, bucketMinutes), 0)),
        ongoing: last === sorted[sorted.length - 1] && last.t + bucketMs >= periodEnd,
      });
    }
    run = [];
  };
  for (const b of sorted) {
    const prev = run[run.length - 1];
    if (prev && b.t - prev.t > bucketMs) close();
    if (b.max > limitC) run.push(b);
    else close();
  }
  close();
  return out;
}

/** A task relates to an excursion when it was open at some point between the excursion's start and an hour after its end. */
export function relatedTasks(excursion: Pick<Excursion, 'start' | 'end'>, tasks: readonly HaccpTask[], graceMinutes = 60): HaccpTask[] {
  return tasks.filter((t) => t.raisedAt <= excursion.end + graceMinutes * MIN_MS && (t.closedAt ?? Number.POSITIVE_INFINITY) >= excursion.start);
}

function correctiveAction(t: HaccpTask): CorrectiveAction | null {
  const note = t.note?.trim();
  if (!note) return null;
  return { taskId: t.id, kind: t.kind, raisedAt: t.raisedAt, closedAt: t.closedAt, closedBy: t.closedBy, note };
}

const PRIMARY_ORDER: [SensorSeries['source'], SensorSeries['placement']][] = [
  ['probe', 'product'],
  ['probe', 'air'],
  ['controller', 'air'],
];

export interface HaccpInput {
  caseId: string;
  from: number;
  to: number;
  limitC: number;
  intervalMinutes?: number;
  series: SensorSeries[];
  tasks: HaccpTask[];
}

export function buildHaccpReport(input: HaccpInput): HaccpReport {
  const intervalMinutes = input.intervalMinutes ?? 15;
  const series = [...input.series]
    .map((s) => ({ ...s, buckets: s.buckets.filter((b) => b.t >= input.from && b.t < input.to) }))
    .sort((a, b) => a.source.localeCompare(b.source) || a.placement.localeCompare(b.placement) || a.sensor.localeCompare(b.sensor));
  const periodBuckets = Math.max(1, Math.ceil((input.to - input.from) / (AUDIT_BUCKET_MINUTES * MIN_MS)));

  const sensors: SensorSummary[] = series.map((s) => {
    const means = s.buckets.map((b) => b.mean);
    return {
      sensor: s.sensor,
      source: s.source,
      placement: s.placement,
      minC: s.buckets.length ? Math.min(...s.buckets.map((b) => b.min)) : null,
      maxC: s.buckets.length ? Math.max(...s.buckets.map((b) => b.max)) : null,
      meanC: means.length ? round(means.reduce((a, b) => a + b, 0) / means.length) : null,
      mktC: roundOrNull(meanKineticTemperature(means)),
      minutesAboveLimit: round(s.buckets.reduce((m, b) => m + bucketMinutesAbove(b, input.limitC), 0)),
      coverage: round(Math.min(1, s.buckets.length / periodBuckets)),
    };
  });

  const excursions: Excursion[] = series
    .flatMap((s) => findExcursions(s, input.limitC, input.to))
    .map((e) => ({
      ...e,
      correctiveActions: relatedTasks(e, input.tasks)
        .map(correctiveAction)
        .filter((a): a is CorrectiveAction => a !== null),
    }))
    .sort((a, b) => a.start - b.start || a.sensor.localeCompare(b.sensor));

  const primary = PRIMARY_ORDER.map(([source, placement]) => sensors.find((s) => s.source === source && s.placement === placement && s.mktC !== null)).find(
    (s) => s !== undefined,
  );

  return {
    caseId: input.caseId,
    from: input.from,
    to: input.to,
    limitC: input.limitC,
    intervalMinutes,
    primarySensor: primary?.sensor ?? null,
    mktC: primary?.mktC ?? null,
    minutesAboveLimit: primary?.minutesAboveLimit ?? 0,
    sensors,
    rows: series.flatMap((s) => resample(s, input.from, input.to, intervalMinutes)),
    excursions,
    correctiveActions: input.tasks
      .map(correctiveAction)
      .filter((a): a is CorrectiveAction => a !== null)
      .sort((a, b) => (a.closedAt ?? a.raisedAt) - (b.closedAt ?? b.raisedAt)),
  };
}

const round = (v: number) => Math.round(v * 100) / 100;
const roundOrNull = (v: number | null) => (v === null ? null : round(v));
