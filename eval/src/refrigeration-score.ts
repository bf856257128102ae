import type { Task } from '@shelfwatch/contracts';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';
import { median, ratio } from './stats.js';
import { GRADUAL_CASE_FAULTS, REFRIGERATION } from './tolerances.js';

/**
 * Failing refrigeration ahead of time: were the simulator's slow plant failures warned to the
 * technician before the product crossed its limit, and were the warnings earned? See
 * eval/README.md, "Failing refrigeration ahead of time".
 */
export interface RefrigerationScores {
  /** Failures warned at least `leadH` before the product crossed its limit / failures that crossed it; null without any. */
  warnedShare: number | null;
  /** Median hours from the warning to the product crossing its limit, over failures warned at all. */
  medianLeadH: number | null;
  /** Warnings matching no plant fault of their case, per case and 30 simulated days. */
  falseWarningsPerCaseMonth: number | null;
  leadH: number;
  failures: number;
  warned: number;
  warnedAny: number;
  /** Slow failures whose product stayed within its limit to the end of the run (not counted). */
  notCrossed: number;
  /** Slow failures starting within the run's first `warmupMs`, before a normal could be learned (not counted). */
  excludedEarly: number;
  warnings: number;
  falseWarnings: number;
  caseMonths: number;
  missed: { caseId: string; fault: string; limitAt: number; leadH: number | null }[];
  falseExamples: { caseId: string; raisedAt: number; title: string }[];
}

const COUNTS = ['failures', 'warned', 'warnedAny', 'notCrossed', 'excludedEarly', 'warnings', 'falseWarnings', 'caseMonths'] as const;

export interface RefrigerationTally extends Pick<RefrigerationScores, (typeof COUNTS)[number] | 'missed' | 'falseExamples'> {
  leadsMs: number[];
}

const MAX_EXAMPLES = 20;
const H_MS = 3_600_000;
const MONTH_MS = 30 * 24 * H_MS;
const PLANT_PREFIX = 'plant:';

export function emptyRefrigerationTally(): RefrigerationTally {
  return { failures: 0, warned: 0, warnedAny: 0, notCrossed: 0, excludedEarly: 0, warnings: 0, falseWarnings: 0, caseMonths: 0, leadsMs: [], missed: [], falseExamples: [] };
}

type Fault = Extract<GroundTruthEvent, { type: 'fault' }>;

/** Adds one run's slow plant failures and maintenance warnings to the tally. */
export function tallyRefrigeration(into: RefrigerationTally, truth: readonly GroundTruthEvent[], tasks: readonly Task[], cases: number, runMs: number): void {
  into.caseMonths += (cases * runMs) / MONTH_MS;
  const warnings = tasks.filter((t) => t.kind === 'refrigeration_maintenance' && t.locationKey.startsWith(PLANT_PREFIX)).sort((a, b) => a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : 1));
  const caseOf = (t: Task) => t.locationKey.slice(PLANT_PREFIX.length);
  const faults = truth.filter((e): e is Fault => e.type === 'fault');
  const start = truth.find((e) => e.type === 'run_start');
  const runStart = start?.type === 'run_start' ? start.startMs : 0;
  const risks = truth.filter((e): e is Extract<GroundTruthEvent, { type: 'product_at_risk' }> => e.type === 'product_at_risk');

  for (const f of faults) {
    if (!(GRADUAL_CASE_FAULTS as readonly string[]).includes(f.fault)) continue;
    if (f.startMs - runStart < REFRIGERATION.warmupMs) {
      into.excludedEarly++;
      continue;
    }
    // When the failure became a food-safety problem: the product's first crossing of its limit while the fault lasted.
    const limitAt = risks.filter((r) => r.caseId === f.target && r.startMs >= f.startMs && (f.openAtEnd || r.startMs <= f.endMs)).map((r) => r.startMs).sort((a, b) => a - b)[0];
    if (limitAt === undefined) {
      into.notCrossed++;
      continue;
    }
    into.failures++;
    const standing = warnings.find((t) => caseOf(t) === f.target && t.raisedAt <= limitAt && t.raisedAt >= f.startMs - REFRIGERATION.graceMs && (t.closedAt === null || t.closedAt >= limitAt));
    const lead = standing ? limitAt - standing.raisedAt : null;
    if (lead !== null) {
      into.warnedAny++;
      into.leadsMs.push(lead);
    }
    if (lead !== null && lead >= REFRIGERATION.leadMs) into.warned++;
    else if (into.missed.length < MAX_EXAMPLES) into.missed.push({ caseId: f.target, fault: f.fault, limitAt, leadH: lead === null ? null : Math.round((lead / H_MS) * 10) / 10 });
  }

  for (const t of warnings) {
    into.warnings++;
    const earned = faults.some(
      (f) => REFRIGERATION.plantFaults.includes(f.fault) && f.target === caseOf(t) && t.raisedAt >= f.startMs - REFRIGERATION.graceMs && (f.openAtEnd || t.raisedAt <= f.endMs + REFRIGERATION.graceMs),
    );
    if (earned) continue;
    into.falseWarnings++;
    if (into.falseExamples.length < MAX_EXAMPLES) into.falseExamples.push({ caseId: caseOf(t), raisedAt: t.raisedAt, title: t.title });
  }
}

export function addRefrigerationTally(into: RefrigerationTally, add: RefrigerationTally): void {
  for (const k of COUNTS) into[k] += add[k];
  into.leadsMs.push(...add.leadsMs);
  into.missed.push(...add.missed.slice(0, MAX_EXAMPLES - into.missed.length));
  into.falseExamples.push(...add.falseExamples.slice(0, MAX_EXAMPLES - into.falseExamples.length));
}

export function refrigerationScores(t: RefrigerationTally): RefrigerationScores {
  const lead = median(t.leadsMs);
  const rate = ratio(t.falseWarnings, t.caseMonths);
  return {
    warnedShare: ratio(t.warned, t.failures),
    medianLeadH: lead === null ? null : Math.round((lead / H_MS) * 10) / 10,
    falseWarningsPerCaseMonth: rate === null ? null : Math.round(rate * 1000) / 1000,
    leadH: REFRIGERATION.leadMs / H_MS,
    failures: t.failures,
    warned: t.warned,
    warnedAny: t.warnedAny,
    notCrossed: t.notCrossed,
    excludedEarly: t.excludedEarly,
    warnings: t.warnings,
    falseWarnings: t.falseWarnings,
    caseMonths: Math.round(t.caseMonths * 1000) / 1000,
    missed: t.missed,
    falseExamples: t.falseExamples,
  };
}
