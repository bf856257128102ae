/**
 * How often a source reports, learnt from its own readings (the median of its recent gaps), so
 * that "not heard for a while" means the same for a camera scanning every 10 s and one
 * scanning every 5 min, without configuring either.
 */
export class Cadence {
  private last: number | null = null;
  private readonly gaps: number[] = [];
  private median: number | null = null;

  constructor(private readonly keep = 9) {}

  /** A reading at `ts` (event order; repeats of the same time are one report). */
  push(ts: number): void {
    if (this.last !== null && ts > this.last) {
      this.gaps.push(ts - this.last);
      if (this.gaps.length > this.keep) this.gaps.shift();
      const sorted = [...this.gaps].sort((a, b) => a - b);
      this.median = sorted[Math.floor(sorted.length / 2)] ?? null;
    }
    this.last = Math.max(this.last ?? ts, ts);
  }

  /** Median gap between reports, or null before two reports. */
  typicalGapMs(): number | null {
    return this.median;
  }

  /** At least `minMs`, and at least `reports` typical gaps. */
  patience(minMs: number, reports: number): number {
    const gap = this.typicalGapMs();
    return gap === null ? minMs : Math.max(minMs, reports * gap);
  }
}
