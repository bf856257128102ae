import type { ReadingOf } from '@shelfwatch/contracts';
import type { RuleTuning } from './defaults.js';
import { fmtC, fmtDuration, fmtTime, MIN } from './format.js';
import { SampleWindow } from './sample-window.js';
import type { Sample } from './sample-window.js';

export interface ProbeFinding {
  id: 'fault_code' | 'implausible' | 'jump' | 'stuck' | 'disagree' | 'silent' | 'offline';
  title: string;
  text: string;
  ts: number;
}

/** Physically possible range for a probe inside a refrigerated case in a store. */
const PLAUSIBLE_MIN_C = -45;
const PLAUSIBLE_MAX_C = 45;

/**
 * Health of one wireless probe, judged from its own readings plus a reference signal
 * (the case controller's air, or the case's other probes) that tells "the case moved"
 * from "the probe is stuck" and "the probe sits somewhere else".
 */
export class ProbeHealth {
  lastTs: number | null = null;
  tempC: number | null = null;
  validAt: number | null = null;
  readonly history: SampleWindow;
  private faultCode: string | null = null;
  private faultAt = 0;
  private implausibleC: number | null = null;
  private implausibleAt = 0;
  private jumpAt: number | null = null;
  private jumpText = '';
  private sameSince: number | null = null;
  private offlineAt: number | null = null;
  private lastBadAt: number | null = null;
  private slowCheckAt: number | null = null;
  private slow: ProbeFinding[] = [];

  constructor(
    readonly id: string,
    readonly placement: 'air' | 'product',
    private readonly tuning: RuleTuning,
    private readonly watchedSince: number,
  ) {
    this.history = new SampleWindow((tuning.disagreeWindowMin + tuning.probeStuckMin) * MIN);
  }

  apply(r: ReadingOf<'probe.temperature'>): void {
    if (this.lastTs !== null && r.ts < this.lastTs) return;
    this.lastTs = r.ts;
    this.offlineAt = null;
    if (r.fault !== null || r.tempC === null) {
      this.faultCode = r.fault ?? 'no_value';
      this.faultAt = r.ts;
      return;
    }
    this.faultCode = null;
    const t = r.tempC;
    if (t < PLAUSIBLE_MIN_C || t > PLAUSIBLE_MAX_C) {
      this.implausibleC = t;
      this.implausibleAt = r.ts;
      return;
    }
    this.implausibleC = null;
    if (this.tempC !== null && this.validAt !== null) {
      const dtMin = Math.max((r.ts - this.validAt) / MIN, 1);
      const maxRate = this.placement === 'air' ? this.tuning.maxRateAirCPerMin : this.tuning.maxRateProductCPerMin;
      if (Math.abs(t - this.tempC) / dtMin > maxRate) {
        this.jumpAt = r.ts;
        this.jumpText = `jumped from ${fmtC(this.tempC)} to ${fmtC(t)} in ${fmtDuration(r.ts - this.validAt)} (more than a ${this.placement} probe can change)`;
      }
      if (Math.abs(t - this.tempC) >= 0.05) this.sameSince = r.ts;
    } else {
      this.sameSince = r.ts;
    }
    this.tempC = t;
    this.validAt = r.ts;
    this.history.push(r.ts, t);
  }

  setOffline(ts: number): void {
    this.offlineAt ??= ts;
  }

  /** Current problems; `reference` gives samples of the case's other temperature sources since a time. */
  findings(now: number, reference: (sinceTs: number) => Sample[]): ProbeFinding[] {
    const t = this.tuning;
    const out: ProbeFinding[] = [];
    if (this.offlineAt !== null) {
      out.push({ id: 'offline', title: 'Probe offline', text: `the probe went offline at ${fmtTime(this.offlineAt)}`, ts: this.offlineAt });
    }
    const heardAt = this.lastTs ?? this.watchedSince;
    if (this.offlineAt === null && now - heardAt > t.probeSilentMin * MIN) {
      const what = this.lastTs === null ? 'has not reported' : `has sent nothing for ${fmtDuration(now - heardAt)}`;
      out.push({ id: 'silent', title: 'Probe not reporting', text: `the probe ${what}`, ts: now });
    }
    if (this.faultCode !== null) {
      out.push({ id: 'fault_code', title: 'Probe fault', text: `the probe reports a fault (${this.faultCode.replace('_', ' ')})`, ts: this.faultAt });
    }
    if (this.implausibleC !== null) {
      out.push({ id: 'implausible', title: 'Probe reading impossible', text: `the probe reads ${fmtC(this.implausibleC)}, which is not possible in a case`, ts: this.implausibleAt });
    }
    if (this.jumpAt !== null && now - this.jumpAt < t.jumpClearMin * MIN) {
      out.push({ id: 'jump', title: 'Probe reading jumped', text: `the probe ${this.jumpText}`, ts: this.jumpAt });
    }
    // The window checks scan up to two hours of samples: once per 30 s of event time is plenty.
    if (this.slowCheckAt === null || now - this.slowCheckAt >= 30_000 || now < this.slowCheckAt) {
      this.slowCheckAt = now;
      this.slow = [this.stuckFinding(now, reference), this.disagreeFinding(now, reference)].filter((f): f is ProbeFinding => f !== null);
    }
    out.push(...this.slow);
    if (out.length > 0) this.lastBadAt = now;
    return out;
  }

  /** Data fit for temperature rules: no finding now, and none for the clear-hold time. */
  usable(now: number, findings: ProbeFinding[]): boolean {
    if (findings.length > 0 || this.tempC === null || this.validAt === null) return false;
    if (this.lastBadAt !== null && now - this.lastBadAt < this.tuning.sensorClearHoldMin * MIN) return false;
    return now - this.validAt <= this.tuning.probeSilentMin * MIN;
  }

  healthyFor(now: number): boolean {
    return this.lastBadAt === null || now - this.lastBadAt >= this.tuning.sensorClearHoldMin * MIN;
  }

  private stuckFinding(now: number, reference: (sinceTs: number) => Sample[]): ProbeFinding | null {
    if (this.sameSince === null || this.tempC === null || this.faultCode !== null) return null;
    if (now - this.sameSince < this.tuning.probeStuckMin * MIN) return null;
    // A real product simulant moves a little whenever the case moves a lot (defrost, cycling).
    const needed = this.placement === 'air' ? 2 : 3;
    const moved = SampleWindow.range(reference(this.sameSince));
    if (moved < needed) return null;
    return {
      id: 'stuck',
      title: 'Probe reading stuck',
      text: `the probe has read exactly ${fmtC(this.tempC)} since ${fmtTime(this.sameSince)} while the case moved by ${fmtC(moved)}`,
      ts: now,
    };
  }

  private disagreeFinding(now: number, reference: (sinceTs: number) => Sample[]): ProbeFinding | null {
    const t = this.tuning;
    const from = now - t.disagreeWindowMin * MIN;
    const own = this.history.since(from);
    const ref = reference(from);
    const span = (s: Sample[]) => (s.length === 0 ? 0 : (s[s.length - 1]?.ts ?? 0) - (s[0]?.ts ?? 0));
    if (own.length < 3 || ref.length < 3) return null;
    if (span(own) < t.disagreeWindowMin * MIN * 0.66 || span(ref) < t.disagreeWindowMin * MIN * 0.66) return null;
    // Only in steady state: during pull-down or warm-up a lagging product probe legitimately
    // trails the air by many degrees, and that is exactly when it must not be thrown away.
    const ownSteady = this.placement === 'air' ? 2 : 1;
    if (SampleWindow.range(own) > ownSteady || SampleWindow.range(ref) > 2.5) return null;
    const gap = SampleWindow.mean(own) - SampleWindow.mean(ref);
    const tolerance = this.placement === 'air' ? t.disagreeAirC : t.disagreeProductC;
    if (Math.abs(gap) <= tolerance) return null;
    return {
      id: 'disagree',
      title: 'Probe disagrees with the case',
      text: `the probe has read ${fmtC(SampleWindow.mean(own))} for ${fmtDuration(span(own))} while the case air is steady at ${fmtC(SampleWindow.mean(ref))} (more apart than a ${this.placement} probe's placement explains)`,
      ts: now,
    };
  }
}
