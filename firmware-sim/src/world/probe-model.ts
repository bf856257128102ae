import type { Rng } from './rng.js';

/** Faults a wireless probe can have; several may be active at once. */
export interface ProbeFaults {
  driftCPerH: number;
  /** Time the drift started (the drift grows from there). */
  driftSinceMs: number | null;
  stuck: boolean;
  noisySdC: number;
  openCircuit: boolean;
}

export const NO_PROBE_FAULTS: ProbeFaults = { driftCPerH: 0, driftSinceMs: null, stuck: false, noisySdC: 0, openCircuit: false };

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
    if (faults.stuck && this.lastC !== null) return { tempC: this.lastC, fault: null };
    const drift = faults.driftSinceMs === null ? 0 : (faults.driftCPerH * (nowMs - faults.driftSinceMs)) / 3_600_000;
    const value = trueC + this.calibrationErrorC + drift + this.rng.normal(0, this.noiseC) + (faults.noisySdC > 0 ? this.rng.normal(0, faults.noisySdC) : 0);
    const rounded = Math.round(Math.min(80, Math.max(-60, value)) * 100) / 100;
    this.lastC = rounded;
    return { tempC: rounded, fault: null };
  }
}
