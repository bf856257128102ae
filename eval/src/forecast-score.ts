import { FORECAST_HORIZON_EVIDENCE } from '@shelfwatch/contracts';
import type { StoreLayout, Task } from '@shelfwatch/contracts';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';
import { median, ratio } from './stats.js';
import { FORECAST, MIN_WARRANTED_MS } from './tolerances.js';

/**
 * Sell-outs ahead of time: were the simulator's sell-outs warned early enough, and were the
 * warnings earned? A warning is a `low_stock` task at the slot ("Restock before HH:MM" from the
 * forecast, or "Low stock" at the reorder point: one task, whichever came first). Each is judged
 * by what it told staff: a forecast by its horizon, a reorder-point task by the shelf being at its
 * reorder point. See eval/README.md, "Sell-outs ahead of time".
 */
export interface ForecastScores {
  /** Sell-outs warned at least `leadMin` ahead / sell-outs counted; null without sell-outs. */
  warnedShare: number | null;
  /** Sell-outs with any warning ahead (however short) / sell-outs counted. */
  anyWarningShare: number | null;
  /** Median minutes from the warning to the sell-out, over sell-outs warned at all. */
  medianLeadMin: number | null;
  /** Warnings whose claim did not come true (see `warnings`), per slot and simulated day. */
  falseWarningsPerSlotDay: number | null;
  leadMin: number;
  sellOuts: number;
  warned: number;
  warnedAny: number;
  /** Sell-outs not counted: within the first hour (no sales seen yet), or with the backroom empty (nothing to restock from). */
  excludedEarly: number;
  excludedBackroomEmpty: number;
  /** Warnings judged: a forecast by its horizon, a reorder-point task (`reorderPointWarnings` of them) by the shelf's true count. */
  warnings: number;
  reorderPointWarnings: number;
  earned: number;
  falseWarnings: number;
  /** Warnings whose horizon lies beyond the end of the run, not yet earned: unknown outcome. */
  censored: number;
  slotDays: number;
  missed: { slotId: string; startMs: number; leadMin: number | null }[];
  falseExamples: { slotId: string; raisedAt: number; horizonAt: number | null; title: string }[];
}

const COUNTS = ['sellOuts', 'warned', 'warnedAny', 'excludedEarly', 'excludedBackroomEmpty', 'warnings', 'reorderPointWarnings', 'earned', 'falseWarnings', 'censored', 'slotDays'] as const;

interface ForecastTally extends Pick<ForecastScores, (typeof COUNTS)[number] | 'missed' | 'falseExamples'> {
  leadsMs: number[];
}

export function emptyForecastTally(): ForecastTally {
  return { sellOuts: 0, warned: 0, warnedAny: 0, leadsMs: [], excludedEarly: 0, excludedBackroomEmpty: 0, warnings: 0, reorderPointWarnings: 0, earned: 0, falseWarnings: 0, censored: 0, slotDays: 0, missed: [], falseExamples: [] };
}

/**
 * The time by which a warning's forecast was almost sure the slot would be empty (plus grace), or
 * null for a warning raised at the reorder point without a forecast: it said when to restock
 * (now, by the store's own reorder point), not when the slot would be empty.
 */
export function forecastHorizon(task: Task): number | null {
  const ev = task.evidence.find((e) => e.text.startsWith(FORECAST_HORIZON_EVIDENCE));
  return ev ? ev.ts + FORECAST.graceMs : null;
}

/** Adds one run's sell-outs and warnings to the tally. */
export function tallyForecast(into: ForecastTally, truth: readonly GroundTruthEvent[], tasks: readonly Task[], layout: StoreLayout, runMs: number): void {
  const start = truth.find((e) => e.type === 'run_start');
  const runStart = start?.type === 'run_start' ? start.startMs : 0;
  const runEnd = runStart + runMs;
  const slots = layout.shelves.reduce((n, s) => n + s.slots.length, 0);
  into.slotDays += (slots * runMs) / 86_400_000;

  const backroom = backroomTimeline(truth);
  // In raise order (then id), so the figures and examples do not depend on the order tasks were listed in.
  const warnings = tasks
    .filter((t) => t.kind === 'low_stock' && t.locationKey.startsWith('slot:') && t.raisedAt < runEnd)
    .sort((a, b) => a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const warningsOf = (slotId: string) => warnings.filter((t) => t.locationKey === `slot:${slotId}`);

  // Sell-outs: the slot held none of its product for long enough to warrant a task (shorter gaps
  // are sold-and-refilled churn), gaps closer than the merge gap being one.
  const gaps = truth.filter((e): e is Extract<GroundTruthEvent, { type: 'out_of_stock' }> => e.type === 'out_of_stock').sort((a, b) => a.startMs - b.startMs);
  const sellOuts: { slotId: string; sku: string; startMs: number; endMs: number }[] = [];
  for (const g of gaps) {
    const prev = sellOuts.findLast((s) => s.slotId === g.slotId);
    if (prev && g.startMs - prev.endMs <= FORECAST.mergeGapMs) prev.endMs = Math.max(prev.endMs, g.endMs);
    else sellOuts.push({ slotId: g.slotId, sku: g.sku, startMs: g.startMs, endMs: g.endMs });
  }
  for (const s of sellOuts) {
    if (s.endMs - s.startMs < MIN_WARRANTED_MS.out_of_stock) continue;
    if (s.startMs - runStart < FORECAST.warmupMs) {
      into.excludedEarly++;
      continue;
    }
    if (backroom(s.sku, s.startMs) <= 0) {
      into.excludedBackroomEmpty++;
      continue;
    }
    into.sellOuts++;
    // The warning standing when the slot ran empty: raised before, not closed before (it gives way to the out of stock at about that time).
    const standing = warningsOf(s.slotId)
      .filter((t) => t.raisedAt <= s.startMs && (t.closedAt === null || t.closedAt >= s.startMs - FORECAST.graceMs))
      .at(-1);
    const lead = standing ? s.startMs - standing.raisedAt : null;
    if (lead !== null) {
      into.warnedAny++;
      into.leadsMs.push(lead);
    }
    if (lead !== null && lead >= FORECAST.leadMs) into.warned++;
    else if (into.missed.length < 20) into.missed.push({ slotId: s.slotId, startMs: s.startMs, leadMin: lead === null ? null : Math.round(lead / 60_000) });
  }

  // Warnings, judged by what they told staff. A forecast ("may be gone from HH:MM, almost surely
  // by HH:MM") is earned when the slot sold out (any gap) or staff restocked it after the warning
  // and before its horizon. A reorder-point "Low stock" says the shelf is down to the store's own
  // reorder point, the store's cue to restock however slowly the slot sells: earned when it was.
  const happenings = new Map<string, number[]>();
  const add = (slotId: string, ts: number) => happenings.set(slotId, [...(happenings.get(slotId) ?? []), ts]);
  for (const g of gaps) add(g.slotId, g.startMs);
  for (const e of truth) if (e.type === 'restock') add(e.slotId, e.ts);
  const lows = truth.filter((e): e is Extract<GroundTruthEvent, { type: 'low_stock' }> => e.type === 'low_stock');
  for (const t of warnings) {
    const slotId = t.locationKey.slice('slot:'.length);
    const horizon = forecastHorizon(t);
    if (horizon === null) into.reorderPointWarnings++;
    const earned =
      horizon === null
        ? lows.some((e) => e.slotId === slotId && e.startMs - FORECAST.graceMs <= t.raisedAt && t.raisedAt <= e.endMs + FORECAST.graceMs)
        : (happenings.get(slotId) ?? []).some((ts) => ts >= t.raisedAt - FORECAST.graceMs && ts <= horizon);
    if (earned) {
      into.warnings++;
      into.earned++;
    } else if (horizon !== null && horizon > runEnd) {
      into.censored++;
    } else {
      into.warnings++;
      into.falseWarnings++;
      if (into.falseExamples.length < 20) into.falseExamples.push({ slotId, raisedAt: t.raisedAt, horizonAt: horizon, title: t.title });
    }
  }
}

export function forecastScores(t: ForecastTally): ForecastScores {
  const med = median(t.leadsMs);
  return {
    warnedShare: ratio(t.warned, t.sellOuts),
    anyWarningShare: ratio(t.warnedAny, t.sellOuts),
    medianLeadMin: med === null ? null : Math.round((med / 60_000) * 10) / 10,
    falseWarningsPerSlotDay: ratio(t.falseWarnings, t.slotDays),
    leadMin: FORECAST.leadMs / 60_000,
    sellOuts: t.sellOuts,
    warned: t.warned,
    warnedAny: t.warnedAny,
    excludedEarly: t.excludedEarly,
    excludedBackroomEmpty: t.excludedBackroomEmpty,
    warnings: t.warnings,
    reorderPointWarnings: t.reorderPointWarnings,
    earned: t.earned,
    falseWarnings: t.falseWarnings,
    censored: t.censored,
    slotDays: Math.round(t.slotDays * 100) / 100,
    missed: t.missed,
    falseExamples: t.falseExamples,
  };
}

export function addForecastTally(into: ForecastTally, add: ForecastTally): void {
  for (const k of COUNTS) into[k] += add[k];
  into.leadsMs.push(...add.leadsMs);
  into.missed.push(...add.missed.slice(0, 20 - into.missed.length));
  into.falseExamples.push(...add.falseExamples.slice(0, 20 - into.falseExamples.length));
}

/** Units of a SKU in the backroom at a time, from the truth's `backroom` records (unknown SKUs: assumed stocked). */
function backroomTimeline(truth: readonly GroundTruthEvent[]): (sku: string, ts: number) => number {
  const bySku = new Map<string, { ts: number; units: number }[]>();
  for (const e of truth) if (e.type === 'backroom') bySku.set(e.sku, [...(bySku.get(e.sku) ?? []), { ts: e.ts, units: e.units }]);
  return (sku, ts) => {
    const list = bySku.get(sku);
    if (!list) return Infinity;
    let units = list[0]!.units;
    for (const r of list) if (r.ts <= ts) units = r.units;
    return units;
  };
}
