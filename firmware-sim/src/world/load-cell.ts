import { COUNTS_MAX, COUNTS_MIN, type ChannelCalibration } from '@shelfwatch/contracts';
import type { Rng } from './rng.js';

export interface LoadCellParams {
  /** Standard deviation of the ADC noise, in counts. */
  noiseCounts: number;
  /** Zero drift with temperature (HX711 + bridge), counts per °C away from referenceC. */
  driftCountsPerC: number;
  referenceC: number;
  /** Time constant of the mechanical settling after a load change. */
  settleTauMs: number;
  /** Ringing frequency of the shelf tray while it settles. */
  ringHz: number;
  /** Installation error against the installer's calibration (sd of the offset, in counts). */
  offsetErrorCounts: number;
  /** Installation error of the scale, sd in percent. */
  scaleErrorPct: number;
}

export const DEFAULT_LOAD_CELL: LoadCellParams = {
  noiseCounts: 3,
  driftCountsPerC: 30,
  referenceC: 21,
  settleTauMs: 600,
  ringHz: 1.3,
  offsetErrorCounts: 40,
  scaleErrorPct: 0.2,
};

interface Step {
  atMs: number;
  deltaG: number;
}

/**
 * One HX711 channel under one slot. The reading is the linear step response of the
 * tray to every load change (a damped ring that settles within a few time constants),
 * plus temperature drift and noise. Only grams go in; what the gateway sees is counts.
 */
export class LoadCellChannel {
  private settledG = 0;
  private steps: Step[] = [];

  constructor(
    readonly offsetCounts: number,
    readonly countsPerGram: number,
    private readonly params: LoadCellParams,
    private readonly rng: Rng,
  ) {}

  /** A channel as installed: the layout's calibration plus a small, seeded installation error. */
  static install(calibration: ChannelCalibration, params: LoadCellParams, rng: Rng, initialG: number): LoadCellChannel {
    const offset = Math.round(calibration.offsetCounts + rng.normal(0, params.offsetErrorCounts));
    const scale = calibration.countsPerGram * (1 + rng.normal(0, params.scaleErrorPct / 100));
    const channel = new LoadCellChannel(offset, scale, params, rng);
    channel.settledG = initialG;
    return channel;
  }

  /** The load changes by deltaG at atMs (a sale, a restock, a hand pressing, a hand lifting). */
  change(deltaG: number, atMs: number): void {
    if (deltaG !== 0) this.steps.push({ atMs, deltaG });
  }

  /** Grams the tray would show without noise or drift, at nowMs. */
  apparentGrams(nowMs: number): number {
    const fold = 8 * this.params.settleTauMs;
    let grams = this.settledG;
    const keep: Step[] = [];
    for (const step of this.steps) {
      const dt = nowMs - step.atMs;
      if (dt < 0) {
        keep.push(step);
        continue;
      }
      if (dt >= fold) {
        this.settledG += step.deltaG;
        grams += step.deltaG;
        continue;
      }
      keep.push(step);
      const ring = Math.exp(-dt / this.params.settleTauMs) * Math.cos(2 * Math.PI * this.params.ringHz * (dt / 1000));
      grams += step.deltaG * (1 - ring);
    }
    this.steps = keep;
    return grams;
  }

  /** True when no load change is still ringing. */
  settled(nowMs: number): boolean {
    return this.steps.every((s) => nowMs - s.atMs >= 5 * this.params.settleTauMs);
  }

  /** One ADC conversion: signed 24-bit counts, clipped at the rails like the real chip. */
  read(nowMs: number, ambientC: number): number {
    const grams = this.apparentGrams(nowMs);
    const raw =
      this.offsetCounts +
      this.countsPerGram * grams +
      this.params.driftCountsPerC * (ambientC - this.params.referenceC) +
      this.rng.normal(0, this.params.noiseCounts);
    return Math.min(COUNTS_MAX, Math.max(COUNTS_MIN, Math.round(raw)));
  }
}
