import type { Rng } from './rng.js';

/** Faults a wireless probe can have; several may be active at once. */
export interface ProbeFaults {
  driftCPerH: number;
  /** Time the drift started (the drift grows from there). */
  driftSinceMs: number | null;
  /** The drift stops growing at ±this and stays (null = it keeps growing). */
  driftMaxC: number | null;
  stuck: boolean;
  /** Stuck at this value; null = at the last value it read. */
  stuckValueC: number | null;
  /** A constant calibration error on top of the probe's own. */
  offsetC: number;
  noisySdC: number;
  openCircuit: boolean;
}

export const NO_PROBE_FAULTS: ProbeFaults = {
  driftCPerH: 0,
  driftSinceMs: null,
  driftMaxC: null,
  stuck: false,
  stuckValueC: null,
  offsetC: 0,
  noisySdC: 0,
  openCircuit: false,
};

export interface ProbeSample {
  tempC: number | null;
  fault: 'open_circuit' | null;
}

/**
 * What a probe's thermistor reports given the true temperature where it sits: its own
 * small calibration error and noise, plus any injected fault. Pure apart from the rng.
 */
export class ProbeSensor {
  private lastC: number | null = null;

  constructor(
    private readonly calibrationErrorC: number,
    private readonly noiseC: number,
    private readonly rng: Rng,
  ) {}

  static install(noiseC: number, rng: Rng): ProbeSensor {
    return new ProbeSensor(rng.normal(0, 0.1), noiseC, rng);
  }

  sample(trueC: number, nowMs: number, faults: ProbeFaults): ProbeSample {
    if (faults.openCircuit) return { tempC: null, fault: 'open_circuit' };
    if (faults.stuck && faults.stuckValueC !== null) return { tempC: clampRound(faults.stuckValueC), fault: null };
    if (faults.stuck && this.lastC !== null) return { tempC: this.lastC, fault: null };
    const grown = faults.driftSinceMs === null ? 0 : (faults.driftCPerH * (nowMs - faults.driftSinceMs)) / 3_600_000;
    const drift = faults.driftMaxC === null ? grown : Math.max(-faults.driftMaxC, Math.min(faults.driftMaxC, grown));
    const value =
      trueC + this.calibrationErrorC + faults.offsetC + drift + this.rng.normal(0, this.noiseC) + (faults.noisySdC > 0 ? this.rng.normal(0, faults.noisySdC) : 0);
    const rounded = clampRound(value);
    this.lastC = rounded;
    return { tempC: rounded, fault: null };
  }
}

/** The thermistor's range (−60…80 °C) at the 0.01 °C the probe reports. */
function clampRound(value: number): number {
  return Math.round(Math.min(80, Math.max(-60, value)) * 100) / 100;
}
