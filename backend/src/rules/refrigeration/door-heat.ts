import { median, type CompressorCycle } from './compressor-cycles.js';

/**
 * The heat an open door lets in. With the doors closed the air gains a load L (°C/h); while one is
 * open the leak is (1 + g) times that, so a phase with doors open a share d of its time gains
 * L·(1 + g·d). Off: rise = L·(1 + g·dOff); running: fall = C − L·(1 + g·dOn). Knowing g, every
 * cycle gives its closed-door load and the capacity C, doors or not — shoppers' openings are not
 * spread evenly over the phases (an opening ends an off phase early and stretches a run), so
 * rise + fall alone is off by g·L·(dOff − dOn).
 */
export interface DoorPhases {
  offDoorShare: number;
  onDoorShare: number;
}

export const doorPhases = (c: CompressorCycle): DoorPhases => ({
  offDoorShare: c.offDoorOpenMs / (c.onAtMs - c.startMs),
  onDoorShare: (c.doorOpenMs - c.offDoorOpenMs) / (c.endMs - c.onAtMs),
});

/** The air's gain with the doors closed, from the off phase of a cycle. */
export const closedLoad = (c: CompressorCycle, gain: number): number => c.offRiseCPerH / (1 + gain * doorPhases(c).offDoorShare);

/** The cooling capacity a cycle shows: its fall rate plus the heat that came in while running. */
export const cycleCapacity = (c: CompressorCycle, gain: number): number => c.onFallCPerH + closedLoad(c, gain) * (1 + gain * doorPhases(c).onDoorShare);

const GAIN_STEP = 0.5;

/**
 * The door gain g of a case, learned from its own normal cycles: the plant's capacity does not
 * change from one healthy cycle to the next, so g is the value that makes their capacities agree
 * (least absolute spread around the median), searched from 0 to `maxGain`. Cycles without doors
 * say nothing about it; with none having doors it is 0 and nothing depends on it.
 */
export function learnDoorGain(cycles: readonly CompressorCycle[], maxGain: number): number {
  if (!cycles.some((c) => c.doorOpenMs > 0)) return 0;
  let best = { gain: 0, spread: Infinity };
  for (let gain = 0; gain <= maxGain; gain += GAIN_STEP) {
    const caps = cycles.map((c) => cycleCapacity(c, gain));
    const mid = median(caps);
    const spread = caps.reduce((s, x) => s + Math.abs(x - mid), 0);
    if (spread < best.spread - 1e-9) best = { gain, spread };
  }
  return best.gain;
}
