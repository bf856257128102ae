import type { TaskSeverity } from '@shelfwatch/contracts';
import type { CaseSnapshot } from './case-snapshot.js';
import type { RuleTuning } from './defaults.js';
import { fmtDuration, fmtLimit, fmtTime, MIN } from './format.js';
import type { ColdChainLimits } from './types.js';

export interface SpoilageBand {
  severity: TaskSeverity;
  title: string;
  action: string;
}

/** The 2-hour/4-hour rule on cumulative time above the limit. */
export function spoilageBand(minutesAbove: number): SpoilageBand {
  if (minutesAbove < 120) {
    return { severity: 'warning', title: 'Check and re-chill product', action: 'Check the product temperature; re-chill it (move it to a working case) and keep it on sale.' };
  }
  if (minutesAbove <= 240) {
    return { severity: 'critical', title: 'Use or sell product now', action: 'Product may be used or sold now but must not go back into storage: mark it down or move it to immediate use.' };
  }
  return { severity: 'critical', title: 'Discard product', action: 'Discard the product from this case and record it as waste.' };
}

/**
 * Cumulative time above the spoilage threshold of one case (chilled: the product limit;
 * frozen: the tolerated-rise ceiling, since -18..-15 °C is not a safety problem). Air-based
 * estimates do not count during defrost or door recovery; product probes always count, but a
 * spoilage task is only raised once a real excursion (not a bump) has been confirmed.
 */
export class SpoilageRule {
  accumMs = 0;
  episodeStart: number | null = null;
  private confirmed = false;
  private lastAt: number | null = null;
  private lastAbove = false;
  private lastCounts = false;
  private inLimitSince: number | null = null;

  constructor(
    private readonly category: 'chilled' | 'frozen',
    private readonly limits: ColdChainLimits,
    private readonly tuning: RuleTuning,
  ) {}

  get thresholdC(): number {
    return this.category === 'chilled' ? this.limits.productLimitC : this.limits.alarmCeilingC;
  }

  step(now: number, s: CaseSnapshot, excursionConfirmed: boolean): { band: SpoilageBand; reason: string; episodeStart: number } | null {
    const dt = this.lastAt === null ? 0 : Math.max(0, now - this.lastAt);
    if (this.lastAbove && this.lastCounts) this.accumMs += dt;
    this.lastAt = Math.max(now, this.lastAt ?? now);
    const above = s.evalC !== null && s.evalC > this.thresholdC;
    this.lastAbove = above;
    this.lastCounts = s.source === 'product' || s.suppression === null;
    if (above) {
      this.inLimitSince = null;
      this.episodeStart ??= now;
    } else if (s.evalC !== null) {
      this.inLimitSince ??= now;
      if (now - this.inLimitSince >= this.tuning.spoilageResetHours * 60 * MIN) {
        this.accumMs = 0;
        this.confirmed = false;
        this.episodeStart = null;
      }
    }
    if (excursionConfirmed && this.accumMs > 0) this.confirmed = true;
    if (!this.confirmed || this.episodeStart === null) return null;
    const minutes = this.accumMs / MIN;
    const band = spoilageBand(minutes);
    const reason =
      `Product in this case has spent ${fmtDuration(this.accumMs)} in total above ${fmtLimit(this.thresholdC)} since ${fmtTime(this.episodeStart)}` +
      ` (2-hour/4-hour rule: under 2 h re-chill, 2–4 h use or sell now, over 4 h discard)`;
    return { band, reason, episodeStart: this.episodeStart };
  }
}
