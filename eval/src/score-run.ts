import type { StoreLayout, TaskKind, Task } from '@shelfwatch/contracts';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';
import { buildEpisodes, type Span } from './episodes.js';
import { addForecastTally, emptyForecastTally, forecastScores, tallyForecast, type ForecastScores } from './forecast-score.js';
import { addRefrigerationTally, emptyRefrigerationTally, refrigerationScores, tallyRefrigeration, type RefrigerationScores } from './refrigeration-score.js';
import { emptyTally, matchSection, type FalseAlarmExample, type MissedExample, type SectionTally } from './match-section.js';
import { isKnownFault, SECTION_NAMES, SECTION_TOLERANCES, sectionSpecs, UNSCORED_KINDS, type SectionName } from './sections.js';
import { max, median, ratio } from './stats.js';
import { DEFROST_ATTRIBUTION_MS, DOOR_ATTRIBUTION_MS, MAX_EXAMPLES, OUTAGE_TASK_WINDOW, STORE_OUTAGE_FAULTS, type SectionTolerances } from './tolerances.js';

/** One simulator run: its ground truth, the tasks the backend raised during it, the store. */
export interface RunInput {
  truth: readonly GroundTruthEvent[];
  tasks: readonly Task[];
  layout: StoreLayout;
}

export interface SectionScores {
  /** (tasks − fp) / tasks; null without tasks. */
  precision: number | null;
  /** detected / truthIntervals; null without warranted truth intervals. */
  recall: number | null;
  /** Over detected warranted intervals (seconds); null when none. */
  medianDelayS: number | null;
  worstDelayS: number | null;
  tasks: number;
  tp: number;
  fp: number;
  /** Warranted truth intervals missed. */
  fn: number;
  duplicates: number;
  followUps: number;
  unmapped: number;
  /** Warnings ahead of time no episode followed: judged by the forecast figures, not counted here. */
  warningsElsewhere: number;
  /** Warranted truth episodes recall is computed over. */
  truthIntervals: number;
  detected: number;
  carriedOver: number;
  /** All truth episodes, including the short ones. */
  episodes: number;
  excludedShort: number;
  censoredAtEnd: number;
  tolerances: { leadS: number; graceS: number; mergeGapS: number };
  missed: MissedExample[];
  falseAlarms: FalseAlarmExample[];
}

export interface ColdChainFalseAlarms {
  /** Cold-chain tasks (temperature_excursion, spoilage) matching no product-at-risk or case-fault interval. */
  count: number;
  caseDays: number;
  /** Raised during a defrost or the hour after it. */
  nearDefrost: number;
  /** Raised during a shopper's door opening or the 30 min after it. */
  nearDoorOpen: number;
  other: number;
}

export interface EvalScores {
  outOfStock: SectionScores;
  planogram: SectionScores;
  coldChain: SectionScores;
  /** Cold-chain false alarms per case per simulated day; null when no case-days were simulated. */
  falseAlarmsPerCaseDay: number | null;
  coldChainFalseAlarms: ColdChainFalseAlarms;
  lowStock: SectionScores;
  sensorFault: SectionScores;
  /** The store-level task for a power cut, and how many sensor-fault tasks staff got per outage (goal 1). */
  storeOutage: SectionScores & { outages: number; tasksPerOutage: number | null };
  runs: number;
  scenarios: string[];
  simulatedDays: number;
  /** Tasks of kinds no section scores (verify_stock, delivery_receive). */
  unscoredTasks: Partial<Record<TaskKind, number>>;
  /** Injected faults no section knows how to score, by name. */
  unscoredFaults: Record<string, number>;
  /** Warnings ahead of the problem: sell-outs (the refrigeration half is not scored yet). */
  forecast: { outOfStock: ForecastScores; refrigeration: RefrigerationScores };
}

const DAY_MS = 86_400_000;

/** Scores one run. */
export function scoreRun(run: RunInput): EvalScores {
  return scoreRuns([run]);
}

/** Scores several runs: counts and delays are pooled, then the ratios are taken. */
export function scoreRuns(runs: readonly RunInput[]): EvalScores {
  const tallies = Object.fromEntries(SECTION_NAMES.map((n) => [n, emptyTally()])) as Record<SectionName, SectionTally>;
  const cold: ColdChainFalseAlarms = { count: 0, caseDays: 0, nearDefrost: 0, nearDoorOpen: 0, other: 0 };
  const outage = { outages: 0, tasks: 0 };
  const unscoredTasks: Partial<Record<TaskKind, number>> = {};
  const unscoredFaults: Record<string, number> = {};
  const scenarios: string[] = [];
  const forecast = emptyForecastTally();
  const refrigeration = emptyRefrigerationTally();
  let simulatedMs = 0;

  for (const run of runs) {
    const specs = sectionSpecs(run.layout);
    const runMs = runDurationMs(run.truth);
    simulatedMs += runMs;
    cold.caseDays += (run.layout.cases.length * runMs) / DAY_MS;
    const start = run.truth.find((e) => e.type === 'run_start');
    if (start?.type === 'run_start') scenarios.push(start.scenario);
    for (const e of run.truth) if (e.type === 'fault' && !isKnownFault(e.fault)) unscoredFaults[e.fault] = (unscoredFaults[e.fault] ?? 0) + 1;
    for (const t of run.tasks) if (UNSCORED_KINDS.includes(t.kind)) unscoredTasks[t.kind] = (unscoredTasks[t.kind] ?? 0) + 1;

    countOutageTasks(outage, run);
    const runForecast = emptyForecastTally();
    tallyForecast(runForecast, run.truth, run.tasks, run.layout, runMs);
    addForecastTally(forecast, runForecast);
    const runRefrigeration = emptyRefrigerationTally();
    tallyRefrigeration(runRefrigeration, run.truth, run.tasks, run.layout.cases.length, runMs);
    addRefrigerationTally(refrigeration, runRefrigeration);
    const dark = storeOutages(run.truth);
    for (const name of SECTION_NAMES) {
      const spec = specs[name];
      const blind = name === 'storeOutage' ? [] : dark;
      const { tally, falseTasks } = matchSection(spec, buildEpisodes(spec.parts(run.truth), spec.tolerances, blind), run.tasks);
      addTally(tallies[name], tally);
      if (name === 'coldChain') attributeColdFalseAlarms(cold, falseTasks, run.truth);
    }
  }

  const section = (name: SectionName): SectionScores => toScores(tallies[name], SECTION_TOLERANCES[name]);
  return {
    outOfStock: section('outOfStock'),
    planogram: section('planogram'),
    coldChain: section('coldChain'),
    falseAlarmsPerCaseDay: ratio(cold.count, cold.caseDays),
    coldChainFalseAlarms: cold,
    lowStock: section('lowStock'),
    sensorFault: section('sensorFault'),
    storeOutage: { ...section('storeOutage'), outages: outage.outages, tasksPerOutage: ratio(outage.tasks, outage.outages) },
    runs: runs.length,
    scenarios,
    simulatedDays: simulatedMs / DAY_MS,
    unscoredTasks,
    unscoredFaults,
    forecast: { outOfStock: forecastScores(forecast), refrigeration: refrigerationScores(refrigeration) },
  };
}

/**
 * Store outages and the sensor-fault tasks raised around each (the store-level one and any
 * per-device ones): one outage should be one task. The backend's wall-clock watchdog
 * (`gateway:`) is not counted: it does not follow the readings.
 */
function countOutageTasks(into: { outages: number; tasks: number }, run: RunInput): void {
  for (const e of run.truth) {
    if (e.type !== 'fault' || !(STORE_OUTAGE_FAULTS as readonly string[]).includes(e.fault)) continue;
    into.outages++;
    const from = e.startMs - OUTAGE_TASK_WINDOW.beforeMs;
    const to = e.endMs + OUTAGE_TASK_WINDOW.afterMs;
    into.tasks += run.tasks.filter((t) => t.kind === 'sensor_fault' && !t.locationKey.startsWith('gateway:') && t.raisedAt >= from && t.raisedAt <= to).length;
  }
}

/** When the whole store was dark (a power cut): every device silent at once. */
function storeOutages(truth: readonly GroundTruthEvent[]): Span[] {
  return truth.flatMap((e) => (e.type === 'fault' && (STORE_OUTAGE_FAULTS as readonly string[]).includes(e.fault) ? [{ startMs: e.startMs, endMs: e.endMs }] : []));
}

/** The run's simulated length: run_end's count, else run_start's plan, else the span of the records. */
function runDurationMs(truth: readonly GroundTruthEvent[]): number {
  let planned: number | null = null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of truth) {
    if (e.type === 'run_end') return e.simulatedS * 1000;
    if (e.type === 'run_start') planned = e.durationS * 1000;
    lo = Math.min(lo, 'startMs' in e ? e.startMs : e.ts);
    hi = Math.max(hi, e.ts);
  }
  if (planned !== null) return planned;
  return hi > lo ? hi - lo : 0;
}

function attributeColdFalseAlarms(cold: ColdChainFalseAlarms, falseTasks: readonly Task[], truth: readonly GroundTruthEvent[]): void {
  if (falseTasks.length === 0) return;
  // Indexed per case: a week of a large store has hundreds of thousands of door openings.
  const windows = new Map<string, { defrost: [number, number][]; door: [number, number][] }>();
  const of = (caseId: string) => {
    let w = windows.get(caseId);
    if (!w) windows.set(caseId, (w = { defrost: [], door: [] }));
    return w;
  };
  for (const e of truth) {
    if (e.type === 'defrost') of(e.caseId).defrost.push([e.startMs, e.endMs + DEFROST_ATTRIBUTION_MS]);
    // A door left ajar is a fault (scored as a true alarm), not normal operation.
    else if (e.type === 'door_open' && !e.ajar) of(e.caseId).door.push([e.startMs, e.endMs + DOOR_ATTRIBUTION_MS]);
  }
  for (const task of falseTasks) {
    cold.count++;
    const w = task.locationKey.startsWith('case:') ? windows.get(task.locationKey.slice(5)) : undefined;
    const inside = (list: [number, number][] | undefined) => (list ?? []).some(([from, to]) => task.raisedAt >= from && task.raisedAt <= to);
    if (inside(w?.defrost)) cold.nearDefrost++;
    else if (inside(w?.door)) cold.nearDoorOpen++;
    else cold.other++;
  }
}

function addTally(into: SectionTally, add: SectionTally): void {
  into.tasks += add.tasks;
  into.tp += add.tp;
  into.fp += add.fp;
  into.duplicates += add.duplicates;
  into.followUps += add.followUps;
  into.unmapped += add.unmapped;
  into.warningsElsewhere += add.warningsElsewhere;
  into.episodes += add.episodes;
  into.truthIntervals += add.truthIntervals;
  into.detected += add.detected;
  into.carriedOver += add.carriedOver;
  into.excludedShort += add.excludedShort;
  into.censoredAtEnd += add.censoredAtEnd;
  for (const d of add.delaysMs) into.delaysMs.push(d);
  into.missed.push(...add.missed.slice(0, MAX_EXAMPLES - into.missed.length));
  into.falseAlarms.push(...add.falseAlarms.slice(0, MAX_EXAMPLES - into.falseAlarms.length));
}

function toScores(t: SectionTally, tol: SectionTolerances): SectionScores {
  const med = median(t.delaysMs);
  const worst = max(t.delaysMs);
  const s = (ms: number) => ms / 1000;
  return {
    precision: ratio(t.tasks - t.fp, t.tasks),
    recall: ratio(t.detected, t.truthIntervals),
    medianDelayS: med === null ? null : s(med),
    worstDelayS: worst === null ? null : s(worst),
    tasks: t.tasks,
    tp: t.tp,
    fp: t.fp,
    fn: t.truthIntervals - t.detected,
    duplicates: t.duplicates,
    followUps: t.followUps,
    unmapped: t.unmapped,
    warningsElsewhere: t.warningsElsewhere,
    truthIntervals: t.truthIntervals,
    detected: t.detected,
    carriedOver: t.carriedOver,
    episodes: t.episodes,
    excludedShort: t.excludedShort,
    censoredAtEnd: t.censoredAtEnd,
    tolerances: { leadS: s(tol.leadMs), graceS: s(tol.graceMs), mergeGapS: s(tol.mergeGapMs) },
    missed: t.missed,
    falseAlarms: t.falseAlarms,
  };
}
