import { isSaturated, type ChannelCalibration } from '@shelfwatch/contracts';

export interface DebounceOptions {
  /** Event time the signal must stay within tolerance before a reading counts as stable. */
  settleMs: number;
  /** Tolerance as a fraction of the product's unit weight. */
  toleranceUnits: number;
}

export const DEFAULT_DEBOUNCE: DebounceOptions = { settleMs: 2_000, toleranceUnits: 0.25 };

export interface ChannelSample {
  grams: number;
  units: number;
  stable: boolean;
  fault: 'saturated' | null;
}

export function countsToGrams(counts: number, cal: ChannelCalibration): number {
  return (counts - cal.offsetCounts) / cal.countsPerGram;
}

export function gramsToUnits(grams: number, unitWeightG: number): number {
  return Math.max(0, Math.round(grams / unitWeightG));
}

/**
 * Debouncing of one load-cell channel on EVENT time (frame timestamps), so it behaves the
 * same live, replayed, or in a test. A hand on the shelf or a swinging product moves the
 * signal by more than the tolerance and restarts the settle window; only a signal that
 * has stayed within a fraction of one unit weight for settleMs is reported stable, so
 * touches and settling never read as stock changes.
 */
export class ChannelState {
  private anchorG: number | undefined;
  private anchorTs = 0;
  private lastTs: number | undefined;
  private lastStableUnits = 0;
  lastCounts: number | undefined;

  constructor(private readonly options: DebounceOptions = DEFAULT_DEBOUNCE) {}

  update(counts: number, tsMs: number, cal: ChannelCalibration, unitWeightG: number): ChannelSample {
    this.lastCounts = counts;
    const grams = countsToGrams(counts, cal);
    if (isSaturated(counts)) {
      this.anchorG = undefined;
      this.lastTs = tsMs;
      return { grams, units: this.lastStableUnits, stable: false, fault: 'saturated' };
    }
    const tolerance = this.options.toleranceUnits * unitWeightG;
    const backwards = this.lastTs !== undefined && tsMs < this.lastTs;
    if (this.anchorG === undefined || backwards || Math.abs(grams - this.anchorG) > tolerance) {
      this.anchorG = grams;
      this.anchorTs = tsMs;
    }
    this.lastTs = tsMs;
    const units = gramsToUnits(grams, unitWeightG);
    const stable = tsMs - this.anchorTs >= this.options.settleMs;
    if (stable) this.lastStableUnits = units;
    return { grams, units, stable, fault: null };
  }

  /** A new calibration invalidates the settle window (grams jump). */
  reset(): void {
    this.anchorG = undefined;
  }
}
