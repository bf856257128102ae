import { MIN } from '../format.js';
import { median, type CompressorCycle, type CompressorCycles, type PullDown } from './compressor-cycles.js';
import { closedLoad, cycleCapacity, learnDoorGain } from './door-heat.js';
import type { PlantTuning } from './tuning.js';

const H = 60 * MIN;

/** A case's behaviour over some cycles: capacity (°C/h the running compressor removes), duty cycle, heat coming in. */
export interface CycleSummary {
  cycles: number;
  fromMs: number;
  toMs: number;
  capacityCPerH: number;
  dutyShare: number;
  loadCPerH: number;
  onMin: number;
}

export interface PlantFindings {
  /** The case's normal, once enough history is learned (null = too little: no judgement). */
  normal: CycleSummary | null;
  recent: CycleSummary | null;
  /** Capacity of the recent cycles fallen to or below capacityWarnShare of normal. */
  capacityLoss: { share: number; expectedDutyShare: number } | null;
  /** The compressor's current run, longer than any normal one, judged on what it has done so far (null: none such). */
  openRun: OpenRun | null;
  /** The open run's capacity at or below capacityWarnShare of normal. */
  openRunLoss: boolean;
  /** Compressor running without a stop, the air climbing back from its lowest of the run. */
  continuousRun: { sinceMs: number; airRiseC: number; normalOnMin: number } | null;
  /** The last pull-downs after defrosts all slow against the normal, at their heat load. */
  slowPullDown: { recent: PullDown[]; normalMin: number; share: number } | null;
}

/** A run still going: the air pulled down from `fromC` to `toC` with doors open `doorShare` of it, the closed-door heat load of the cycles before it. */
export interface OpenRun {
  sinceMs: number;
  fromC: number;
  toC: number;
  doorShare: number;
  loadCPerH: number;
  capacityCPerH: number;
  share: number;
}

/** Medians over cycles (robust to the odd disturbed one that passed the filters). */
function summarize(cycles: readonly CompressorCycle[], doorGain: number): CycleSummary | null {
  if (cycles.length === 0) return null;
  const onMs = cycles.map((c) => c.endMs - c.onAtMs);
  return {
    cycles: cycles.length,
    fromMs: cycles[0]!.startMs,
    toMs: cycles.at(-1)!.endMs,
    capacityCPerH: median(cycles.map((c) => cycleCapacity(c, doorGain))),
    dutyShare: median(cycles.map((c) => (c.endMs - c.onAtMs) / (c.endMs - c.startMs))),
    loadCPerH: median(cycles.map((c) => c.offRiseCPerH)),
    onMin: median(onMs) / MIN,
  };
}

/**
 * The door gain learnt from a case's normal cycles, remembered while they stay the same: the
 * search costs far more than the rest of a judgement, and the normal changes only when a cycle
 * ends or ages out (cycles never change once recorded, so count and ends name the set).
 */
const doorGains = new WeakMap<CompressorCycles, { key: string; gain: number }>();
function doorGainOf(data: CompressorCycles, normal: readonly CompressorCycle[], maxGain: number): number {
  const key = `${normal.length}:${normal[0]?.endMs}:${normal.at(-1)?.endMs}:${maxGain}`;
  const known = doorGains.get(data);
  if (known?.key === key) return known.gain;
  const gain = learnDoorGain(normal, maxGain);
  doorGains.set(data, { key, gain });
  return gain;
}

export const pullDownMin = (p: PullDown): number => (p.endMs - p.defrostEndMs) / MIN;

/** The capacity a pull-down shows: its fall rate plus the heat coming in (null without a known load). */
const pullDownCapacity = (p: PullDown): number | null => (p.loadCPerH === null ? null : (p.fromC - p.toC) / (pullDownMin(p) / 60) + p.loadCPerH);

/**
 * Judges a case against its own normal at event time `now`. The normal is learned from clean
 * cycles older than the recent window and, while a warning stands, older than the warning
 * (`learnUntil`): a slow failure must not become the normal it is judged against.
 */
export function judgePlant(now: number, data: CompressorCycles, tuning: PlantTuning, learnUntil: number): PlantFindings {
  const doorsWithin = (share: number) => (c: CompressorCycle) => c.doorOpenMs <= share * (c.endMs - c.startMs);
  const recentFrom = now - tuning.recentWindowH * H;
  const normalTo = Math.min(recentFrom, learnUntil);
  const normalSpan = data.cycles.filter((c) => c.endMs <= normalTo && c.endMs >= normalTo - tuning.normalWindowH * H);
  // The door heat is learned from the case's own normal cycles with doors opened; until then only cycles with few openings are used.
  const doorCycles = normalSpan.filter((c) => c.doorOpenMs > 0 && doorsWithin(tuning.maxModelledDoorShare)(c));
  const doorsLearned = doorCycles.length >= tuning.minNormalDoorCycles;
  const maxDoorShare = doorsLearned ? tuning.maxModelledDoorShare : tuning.maxDoorShare;
  const usable = doorsWithin(maxDoorShare);
  const normalCycles = normalSpan.filter(usable);
  const doorGain = doorsLearned ? doorGainOf(data, normalCycles, tuning.maxDoorGain) : 0;
  const learned = summarize(normalCycles, doorGain);
  const normal = learned && learned.cycles >= tuning.minNormalCycles && learned.toMs - learned.fromMs >= tuning.minNormalSpanH * H ? learned : null;
  // The latest cycles (a fast-cycling multideck's hour, a door case's few hours), at most the recent window old.
  const clean = data.cycles.filter(usable);
  const recentCycles = clean.filter((c) => c.endMs > recentFrom && c.endMs <= now).slice(-tuning.recentCycles);
  const recent = summarize(recentCycles, doorGain);
  if (!normal) return { normal: null, recent, capacityLoss: null, openRun: null, openRunLoss: false, continuousRun: null, slowPullDown: null };

  let capacityLoss: PlantFindings['capacityLoss'] = null;
  if (recent && recent.cycles >= tuning.minRecentCycles) {
    const share = recent.capacityCPerH / normal.capacityCPerH;
    // What the duty cycle would be at the recent heat load with the normal capacity (duty grows with the load it covers).
    if (share <= tuning.capacityWarnShare) capacityLoss = { share, expectedDutyShare: Math.min(1, (normal.dutyShare * recent.loadCPerH) / normal.loadCPerH) };
  }

  let openRun: OpenRun | null = null;
  let continuousRun: PlantFindings['continuousRun'] = null;
  const since = data.runningSince;
  if (data.running && since !== null && !data.defrostActive) {
    const runMs = now - since;
    // The heat coming in with the doors closed, from the latest cycles before the run (a plant that stopped cycling hours ago has no later ones).
    const before = clean.filter((c) => c.endMs <= since && c.endMs >= since - tuning.normalWindowH * H).slice(-tuning.minRecentCycles);
    const doorShare = (data.doorMs(now) - data.runStartDoorMs) / runMs;
    const judged = runMs >= Math.max(tuning.minOpenRunMin, tuning.openRunFactor * normal.onMin) * MIN && doorShare <= maxDoorShare;
    if (judged && before.length > 0 && data.runStartAirC !== null && data.airC !== null) {
      const loadCPerH = median(before.map((c) => closedLoad(c, doorGain)));
      const capacityCPerH = (data.runStartAirC - data.airC) / (runMs / H) + loadCPerH * (1 + doorGain * doorShare);
      openRun = { sinceMs: since, fromC: data.runStartAirC, toC: data.airC, doorShare, loadCPerH, capacityCPerH, share: capacityCPerH / normal.capacityCPerH };
    }
    const longEnough = runMs >= Math.max(tuning.continuousRunMin, tuning.continuousRunFactor * normal.onMin) * MIN;
    const doorsQuiet = data.doorMs(now) - data.runStartDoorMs <= tuning.continuousDoorShare * runMs;
    // A running compressor pulls the air down; one whose air climbs back up from its lowest while still running cannot keep up.
    const rise = data.airC === null || data.runMinAirC === null ? null : data.airC - data.runMinAirC;
    if (longEnough && doorsQuiet && rise !== null && rise >= tuning.airRiseC) continuousRun = { sinceMs: since, airRiseC: rise, normalOnMin: normal.onMin };
  }

  let slowPullDown: PlantFindings['slowPullDown'] = null;
  const pulls = data.pullDowns.filter((p) => p.endMs <= now && p.loadCPerH !== null && p.doorOpenMs <= tuning.maxDoorShare * (p.endMs - p.defrostEndMs));
  const recentPulls = pulls.slice(-tuning.recentSlowPullDowns);
  const earlier = pulls.slice(0, -tuning.recentSlowPullDowns).filter((p) => p.endMs <= learnUntil);
  if (recentPulls.length === tuning.recentSlowPullDowns && earlier.length >= tuning.minNormalPullDowns) {
    const normalCapacity = median(earlier.map((p) => pullDownCapacity(p)!));
    const share = Math.max(...recentPulls.map((p) => pullDownCapacity(p)!)) / normalCapacity;
    if (share <= tuning.capacityWarnShare) slowPullDown = { recent: recentPulls, normalMin: median(earlier.map(pullDownMin)), share };
  }
  return { normal, recent, capacityLoss, openRun, openRunLoss: openRun !== null && openRun.share <= tuning.capacityWarnShare, continuousRun, slowPullDown };
}
