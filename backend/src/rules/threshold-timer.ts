export interface ThresholdParams {
  threshold: number;
  /** Degrees under the threshold needed to clear once active. */
  hysteresis: number;
  /** Time above (outside suppression) before the timer becomes active. */
  delayMs: number;
  /** Time back at or under threshold - hysteresis that forgets a pending (not yet active) episode. */
  resetMs: number;
  /** Time under threshold - hysteresis before an active timer clears. */
  clearHoldMs: number;
}

/**
 * "Above a threshold long enough, outside suppression" with hysteresis. Time above is
 * accumulated (left Riemann sum between steps) rather than measured from the first crossing,
 * and only a stay clearly under the limit (threshold - hysteresis) resets or clears it, so
 * flapping around the limit builds up to one episode and, once raised, stays one task.
 */
export class ThresholdTimer {
  active = false;
  accumMs = 0;
  activeSince: number | null = null;
  private lastAt: number | null = null;
  private lastAbove = false;
  private lastSuppressed = false;
  private belowSince: number | null = null;
  private clearSince: number | null = null;

  step(now: number, value: number | null, suppressed: boolean, p: ThresholdParams): void {
    const dt = this.lastAt === null ? 0 : Math.max(0, now - this.lastAt);
    if (this.lastAbove && !this.lastSuppressed) this.accumMs += dt;
    this.lastAt = Math.max(now, this.lastAt ?? now);
    if (value === null) {
      this.lastAbove = false;
      return;
    }
    const above = value > p.threshold;
    // Hysteresis on both sides: hovering just under the limit does not forget a pending episode.
    this.belowSince = value > p.threshold - p.hysteresis ? null : (this.belowSince ?? now);
    if (!this.active) {
      if (this.belowSince !== null && now - this.belowSince >= p.resetMs) this.accumMs = 0;
      if (this.accumMs >= p.delayMs && this.accumMs > 0) {
        this.active = true;
        this.activeSince = now;
        this.clearSince = null;
      }
    } else if (value <= p.threshold - p.hysteresis) {
      this.clearSince ??= now;
      if (now - this.clearSince >= p.clearHoldMs) {
        this.active = false;
        this.activeSince = null;
        this.accumMs = 0;
        this.clearSince = null;
      }
    } else {
      this.clearSince = null;
    }
    this.lastAbove = above;
    this.lastSuppressed = suppressed;
  }
}
