import type { ReadingOf } from '@shelfwatch/contracts';
import type { RuleTuning } from './defaults.js';
import { fmtC, fmtDuration, fmtTime, MIN } from './format.js';
import { selfReportedFault } from './probe-self-report.js';
import { SampleWindow } from './sample-window.js';
import type { Sample } from './sample-window.js';

export type ProbeFindingId = 'jump' | 'stuck' | 'noisy' | 'warms' | 'cools' | 'offset' | 'drift';

export interface ProbeFinding {
  id: ProbeFindingId;
  title: string;
  text: string;
  ts: number;
}

/** What the case says about the air a probe sits in. */
export interface CaseReference {
  /** The case air (controller, else the other air probes) from `since` on, held values, sorted. */
  air(since: number): Sample[];
  /** True while the air is disturbed on purpose (defrost and its recovery, an open door). */
  disturbed(ts: number): boolean;
  /** True when a defrost ran at any time since `ts`. */
  defrostedSince(ts: number): boolean;
}

const fmtSigned = (v: number) => `${v >= 0 ? '+' : '−'}${fmtC(Math.abs(v))}`;

/** Time constants tried by the single fit (minutes): a small bottle … a large block. */
const SINGLE_FIT_TAUS_MIN = [30, 40, 50, 60, 75, 90, 110, 135, 165, 200, 250, 300];

/** Consecutive readings remembered to judge whether the probe's value used to flicker. */
const FLICKER_READINGS = 12;

/**
 * Share of direction reversals among a probe's recent changes: noise zig-zags, a product that
 * is really moving changes one way. 0 with too few changes to tell.
 */
function flicker(steps: number[]): number {
  const moves = steps.filter((d) => d !== 0);
  if (moves.length < 4) return 0;
  let reversals = 0;
  for (let i = 1; i < moves.length; i++) if (Math.sign(moves[i]!) !== Math.sign(moves[i - 1]!)) reversals++;
  return reversals / (moves.length - 1);
}

/**
 * Whether one probe's VALUES can be believed, judged against its case (the sensor-fault task
 * `probe-data:<id>`; a probe reporting its own fault code is probe-self-report.ts).
 *
 * Physics used, and nothing tuned to a scenario:
 * - A working sensor's readings scatter by hundredths of a degree from one to the next; one
 *   scattering by more than `noisyProbeC` (median) is noisy, whatever the case does.
 * - A probe cannot change faster than its placement allows: air moves a few °C per minute at
 *   most (an open door), a product simulant far less (`maxRate*CPerMin`, plus the reading noise).
 * - A live sensor flickers with its noise (its value zig-zags); one that zig-zagged and now
 *   repeats exactly the same value for `probeStuckMin` is stuck (a product really moving changes
 *   one way, and may then settle: that is not evidence). So is an air probe frozen while the case air moves by
 *   compressor cycling alone (`stuckAirMoveC`).
 * - A product simulant follows the air around it like a first-order lag with a time constant
 *   between `productTauMinMin` and `productTauMaxMin`, give or take the heat it gains from the
 *   room (`productHeatGainC`). So over `probeFitWindowMin` its change lies between what the
 *   air forces with the slowest time constant and what it allows with the fastest. A probe that
 *   rises while the air around it is colder has drifted; one that stays put while the air is far
 *   warmer is stuck or off its simulant. A product that lags the air during a real warm-up is
 *   exactly what the model predicts, and is never called faulty for it.
 * - In steady air a product simulant settles towards the air or keeps its distance; moving
 *   `probeDriftAwayC` further away within 90 min while the air level holds (±`steadyAirC`) and
 *   no defrost has heated it lately is a drift, caught well before it is a degree wrong.
 * - An air probe reads the controller's air plus a fixed placement offset: more than
 *   `disagreeAirC` apart, or the offset moving by `probeDriftC` within an hour (outside
 *   defrosts and door openings), is a fault.
 *
 * A probe found faulty stays out of the temperature rules until it has shown no finding for
 * `probeRecoverMin` AND reads where it did relative to the case air before the fault: a drift
 * that stays is still a fault when it stops drifting.
 */
export class ProbeHealth {
  lastTs: number | null = null;
  tempC: number | null = null;
  validAt: number | null = null;
  /** The newest reading is a fault code, no value or an impossible value. */
  selfFault = false;
  readonly history: SampleWindow;
  private jump: ProbeFinding | null = null;
  private runStart: number | null = null;
  private flickerBeforeRun = 0;
  /** Changes between consecutive readings, newest last. */
  private readonly steps: number[] = [];
  private out: { first: ProbeFinding; offsetBefore: number | null } | null = null;
  private cleanSince: number | null = null;
  private checkedAt: number | null = null;
  private slow: ProbeFinding[] = [];

  constructor(
    readonly id: string,
    readonly placement: 'air' | 'product',
    private readonly tuning: RuleTuning,
  ) {
    this.history = new SampleWindow(3 * tuning.probeFitWindowMin * MIN);
  }

  apply(r: ReadingOf<'probe.temperature'>): void {
    if (this.lastTs !== null && r.ts < this.lastTs) return;
    this.lastTs = r.ts;
    this.selfFault = selfReportedFault(r) !== null;
    if (this.selfFault || r.tempC === null) return;
    const v = r.tempC;
    if (this.tempC !== null && this.validAt !== null) {
      const dtMin = (r.ts - this.validAt) / MIN;
      const maxRate = this.placement === 'air' ? this.tuning.maxRateAirCPerMin : this.tuning.maxRateProductCPerMin;
      if (Math.abs(v - this.tempC) > maxRate * dtMin + this.tuning.probeNoiseC) {
        this.jump = {
          id: 'jump', title: 'Probe reading jumped', ts: r.ts,
          text: `the probe jumped from ${fmtC(this.tempC)} to ${fmtC(v)} in ${fmtDuration(r.ts - this.validAt)}, faster than a ${this.placement} probe can change`,
        };
      }
      const step = v - this.tempC;
      if (step === 0 && this.runStart === null) {
        this.runStart = this.validAt;
        this.flickerBeforeRun = flicker(this.steps);
      }
      if (step !== 0) this.runStart = null;
      this.steps.push(step);
      if (this.steps.length > FLICKER_READINGS) this.steps.shift();
    }
    this.tempC = v;
    this.validAt = r.ts;
    this.history.push(r.ts, v);
  }

  /** Findings at `now` (the first finding of a fault stays first until the probe has recovered). */
  findings(now: number, ref: CaseReference | null): ProbeFinding[] {
    const t = this.tuning;
    const current: ProbeFinding[] = [];
    if (this.jump && now - this.jump.ts < t.probeRecoverMin * MIN) current.push(this.jump);
    // The window checks scan up to hours of samples: once per minute of event time is plenty.
    if (this.checkedAt === null || now - this.checkedAt >= MIN) {
      this.checkedAt = now;
      const own = [this.stuckFinding(now, ref), this.noisyFinding(now)].filter((f): f is ProbeFinding => f !== null);
      // A noisy probe's window says nothing about its fit to the case.
      const fit = ref && !own.some((f) => f.id === 'noisy') ? (this.placement === 'product' ? [...this.productFit(now, ref), ...this.productSingleFit(now, ref), ...this.productDrift(now, ref)] : this.airFit(now, ref)) : [];
      this.slow = [...own, ...fit];
    }
    current.push(...this.slow);
    if (current.length > 0) {
      this.cleanSince = null;
      this.out ??= { first: current[0]!, offsetBefore: ref ? this.offsetOver(ref, current[0]!.ts - 2 * t.probeFitWindowMin * MIN, current[0]!.ts - t.probeFitWindowMin * MIN / 3) : null };
    } else if (this.out) {
      this.cleanSince ??= now;
      const back = this.out.offsetBefore === null || ref === null || this.readsAsBefore(now, ref, this.out.offsetBefore);
      if (now - this.cleanSince >= t.probeRecoverMin * MIN && back) this.out = null;
    }
    if (!this.out) return current;
    const first = this.out.first;
    return [first, ...current.filter((f) => f.id !== first.id)];
  }

  /** Fit for the temperature rules: fresh, plausible and not out for a fault. */
  usable(now: number, findings: ProbeFinding[]): boolean {
    if (this.selfFault || findings.length > 0 || this.tempC === null || this.validAt === null) return false;
    return now - this.validAt <= this.tuning.probeSilentMin * MIN;
  }

  private stuckFinding(now: number, ref: CaseReference | null): ProbeFinding | null {
    const t = this.tuning;
    if (this.runStart === null || this.tempC === null || now - this.runStart < t.probeStuckMin * MIN) return null;
    const flickered = this.flickerBeforeRun >= 0.5;
    const airMoved = this.placement === 'air' && ref !== null ? SampleWindow.range(ref.air(this.runStart)) : 0;
    if (!flickered && airMoved < t.stuckAirMoveC) return null;
    const why = flickered ? 'although its readings used to vary with the sensor’s noise' : `while the case air moved by ${fmtC(airMoved)}`;
    return { id: 'stuck', title: 'Probe reading stuck', text: `the probe has read exactly ${fmtC(this.tempC)} since ${fmtTime(this.runStart)} ${why}`, ts: this.runStart };
  }

  /**
   * Scatter from one reading to the next: the median distance of each reading from the line
   * through its neighbours over the last 30 min. A ramp, however steep, has none; a sensor's
   * noise a few hundredths of a degree; a failing one (a loose contact, a wet connector) degrees.
   */
  private noisyFinding(now: number): ProbeFinding | null {
    const own = this.history.since(now - 30 * MIN);
    if (own.length < 10) return null;
    const scatter: number[] = [];
    for (let i = 1; i < own.length - 1; i++) scatter.push(Math.abs(own[i]!.v - (own[i - 1]!.v + own[i + 1]!.v) / 2));
    const median = SampleWindow.median(scatter) ?? 0;
    if (median <= this.tuning.noisyProbeC) return null;
    return { id: 'noisy', title: 'Probe reading noisy', ts: now, text: `the probe's readings scatter by ${fmtC(median)} from one to the next (median over 30 min), far more than a working sensor's noise` };
  }

  /** Newton's law of cooling with bounds on the simulant's time constant and heat gain. */
  private productFit(now: number, ref: CaseReference): ProbeFinding[] {
    const t = this.tuning;
    const own = this.history.since(now - t.probeFitWindowMin * MIN);
    if (own.length < 6 || !this.unbroken(own)) return [];
    const from = own[0]!.ts;
    const to = own[own.length - 1]!.ts;
    if (to - from < t.probeFitWindowMin * MIN * 0.66) return [];
    const air = ref.air(from);
    if (air.length === 0 || air[0]!.ts > from) return [];
    const c = t.productHeatGainC;
    const tol = t.probeFitToleranceC;
    const fast = t.productTauMinMin;
    const slow = t.productTauMaxMin;
    // dp/dt = (air + g − p) / τ with τ in [fast, slow] and the rest offset g in [−c, c]: the
    // slowest and fastest the product can move at each instant, integrated over the window.
    const least = SampleWindow.integrate(air, own, from, to, (a, p) => (a - p - c) / (a - p - c > 0 ? slow : fast));
    const most = SampleWindow.integrate(air, own, from, to, (a, p) => (a - p + c) / (a - p + c > 0 ? fast : slow));
    const k = Math.min(3, Math.floor(own.length / 3));
    const change = SampleWindow.mean(own.slice(-k)) - SampleWindow.mean(own.slice(0, k));
    const span = fmtDuration(to - from);
    const range = `a product in that air would have moved between ${fmtSigned(least)} and ${fmtSigned(most)}`;
    const out: ProbeFinding[] = [];
    if (change > most + tol) {
      out.push({ id: 'warms', title: 'Probe reads warmer than its case allows', ts: now, text: `the probe moved by ${fmtSigned(change)} in ${span} where ${range}` });
    } else if (change < least - tol) {
      out.push({ id: 'cools', title: 'Probe reads colder than its case allows', ts: now, text: `the probe moved by ${fmtSigned(change)} in ${span} where ${range}` });
    }
    return out;
  }

  /**
   * Across a stretch the probe did not report (a power cut, its radio down) the air it saw is
   * unknown: the held air value would pretend the case stayed cold while it warmed.
   */
  private unbroken(samples: { ts: number }[]): boolean {
    for (let k = 1; k < samples.length; k++) if (samples[k]!.ts - samples[k - 1]!.ts > this.tuning.fitMaxGapMin * MIN) return false;
    return true;
  }

  /**
   * A product simulant has ONE time constant. The bounds of the 90-min fit let it warm as fast
   * as the smallest bottle while a defrost's warm air lasts and cool as slowly as the largest
   * block afterwards, so a drift that began before a defrost passes them. Where the air swung
   * enough to tell (a defrost, a door left open), this asks whether any single time constant
   * and heat gain reproduces what the probe read; when none comes within the tolerance, the
   * probe is not following its case.
   */
  private productSingleFit(now: number, ref: CaseReference): ProbeFinding[] {
    const t = this.tuning;
    const from = now - t.probeFitWindowMin * MIN;
    const own = this.history.since(from);
    if (own.length < 6 || own[own.length - 1]!.ts - own[0]!.ts < t.probeFitWindowMin * MIN * 0.66) return [];
    const air = ref.air(from);
    if (air.length === 0 || air[0]!.ts > from || SampleWindow.range(air) < t.fitAirSwingC) return [];
    const paired = SampleWindow.pair(own, air);
    if (paired.length < 6 || !this.unbroken(paired)) return [];
    let best = { error: Infinity, last: 0 };
    for (const tau of SINGLE_FIT_TAUS_MIN) {
      if (tau < t.productTauMinMin || tau > t.productTauMaxMin) continue;
      for (let g = -t.productHeatGainC; g <= t.productHeatGainC + 1e-9; g += t.productHeatGainC / 2) {
        let model = paired[0]!.own;
        let error = 0;
        for (let k = 1; k < paired.length && error < best.error; k++) {
          const prev = paired[k - 1]!;
          const rest = prev.ref + g;
          model = rest + (model - rest) * Math.exp(-(paired[k]!.ts - prev.ts) / MIN / tau);
          error = Math.max(error, Math.abs(paired[k]!.own - model));
        }
        if (error < best.error) best = { error, last: paired[paired.length - 1]!.own - model };
      }
    }
    if (best.error <= t.probeFitToleranceC) return [];
    const warmer = best.last > 0;
    return [{
      id: warmer ? 'warms' : 'cools',
      title: warmer ? 'Probe reads warmer than its case allows' : 'Probe reads colder than its case allows',
      ts: now,
      text: `no product in this case's air over the last ${fmtDuration(own[own.length - 1]!.ts - own[0]!.ts)} (a ${t.productTauMinMin}–${t.productTauMaxMin} min time constant) reads as this probe did: ${fmtC(best.error)} off at best`,
    }];
  }

  /**
   * A product simulant in steady air settles towards it (or keeps its distance: the heat it
   * gains, door openings included); it never moves away. Its distance from the air, now and
   * 90 min earlier, with the air's level unchanged in between, tells a slow drift long before it
   * is a degree off the product. A defrost heats the product for hours (its time constant): no
   * judgement within two hours of one.
   */
  private productDrift(now: number, ref: CaseReference): ProbeFinding[] {
    const t = this.tuning;
    if (ref.defrostedSince(now - 150 * MIN - 2 * 60 * MIN)) return [];
    const recent = this.levelsOver(ref, now - 60 * MIN, now);
    const earlier = this.levelsOver(ref, now - 150 * MIN, now - 90 * MIN);
    if (!recent || !earlier || Math.abs(recent.air - earlier.air) > t.steadyAirC) return [];
    const away = Math.abs(recent.probe - recent.air) - Math.abs(earlier.probe - earlier.air);
    if (away <= t.probeDriftAwayC) return [];
    return [{ id: 'drift', title: 'Probe drifts', ts: now, text: `the probe moved ${fmtC(away)} further away from the case air in 90 min while the air stayed at ${fmtC(recent.air)}; a product in steady air settles towards it` }];
  }

  private airFit(now: number, ref: CaseReference): ProbeFinding[] {
    const t = this.tuning;
    const out: ProbeFinding[] = [];
    const recent = this.offsetOver(ref, now - 30 * MIN, now);
    if (recent === null) return out;
    if (Math.abs(recent) > t.disagreeAirC) {
      out.push({ id: 'offset', title: 'Probe disagrees with the case', ts: now, text: `the probe reads ${fmtC(Math.abs(recent))} ${recent > 0 ? 'above' : 'below'} the case controller’s air, more than its placement explains` });
    }
    const before = this.offsetOver(ref, now - 90 * MIN, now - 60 * MIN);
    if (before !== null && Math.abs(recent - before) > t.probeDriftC) {
      out.push({ id: 'drift', title: 'Probe drifts', ts: now, text: `the probe’s offset from the case controller’s air moved from ${fmtC(before)} to ${fmtC(recent)} within an hour of steady running` });
    }
    return out;
  }

  /** The probe's readings with the case air at each in [from, to] (undisturbed ones only, if asked); null when they cover too little of it. */
  private pairsOver(ref: CaseReference, from: number, to: number, undisturbed = true): { own: number; ref: number }[] | null {
    const own = this.history.since(from).filter((s) => s.ts <= to && !(undisturbed && ref.disturbed(s.ts)));
    if (own.length < 5 || own[own.length - 1]!.ts - own[0]!.ts < (to - from) * 0.66) return null;
    const pairs = SampleWindow.pair(own, ref.air(from));
    return pairs.length < 5 ? null : pairs;
  }

  /** Median of (probe − case air) over undisturbed readings in [from, to]. */
  private offsetOver(ref: CaseReference, from: number, to: number): number | null {
    const pairs = this.pairsOver(ref, from, to);
    return pairs ? SampleWindow.median(pairs.map((p) => p.own - p.ref)) : null;
  }

  /** Median probe reading and mean case air over [from, to], door openings averaged in. */
  private levelsOver(ref: CaseReference, from: number, to: number): { probe: number; air: number } | null {
    const pairs = this.pairsOver(ref, from, to, false);
    if (!pairs) return null;
    return { probe: SampleWindow.median(pairs.map((p) => p.own)) ?? 0, air: pairs.reduce((a, p) => a + p.ref, 0) / pairs.length };
  }

  private readsAsBefore(now: number, ref: CaseReference, offsetBefore: number): boolean {
    const recent = this.offsetOver(ref, now - 30 * MIN, now);
    return recent !== null && Math.abs(recent - offsetBefore) <= this.tuning.probeDriftC;
  }
}
