import type { ReadingOf } from '@shelfwatch/contracts';
import { MIN } from '../format.js';
import type { PlantTuning } from './tuning.js';

type ControllerReading = ReadingOf<'case.air_temperature' | 'case.setpoint' | 'case.defrost' | 'case.door' | 'case.compressor'>;

/**
 * One compressor cycle: the air warms with the compressor off (the heat coming in) and is pulled
 * down with it running. With the heat coming in at about the same rate in both phases, the
 * rise rate plus the fall rate is what the running compressor removes: its cooling capacity in
 * °C of case air per hour, whatever the store temperature.
 */
export interface CompressorCycle {
  startMs: number;
  onAtMs: number;
  endMs: number;
  offRiseCPerH: number;
  onFallCPerH: number;
  /** Time any door was open during the cycle, and during its off phase (the rest was while running). */
  doorOpenMs: number;
  offDoorOpenMs: number;
}

/**
 * From the end of a defrost to the compressor's first cut-out after it. How fast it pulls down
 * depends on the heat coming in too (a warm afternoon, doors), so it carries the heat load of the
 * cycles just before the defrost: the fall rate plus that load is the capacity it pulled down with.
 */
export interface PullDown {
  defrostEndMs: number;
  endMs: number;
  fromC: number;
  toC: number;
  doorOpenMs: number;
  /** Median off-cycle rise of the cycles in the hours before the defrost (null: none seen). */
  loadCPerH: number | null;
}

/** How far back before a defrost the cycles tell its heat load. */
const LOAD_LOOKBACK_MS = 3 * 60 * MIN;

interface PhaseStart {
  at: number;
  airC: number;
  doorMs: number;
}

const H = 60 * MIN;

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Turns a case controller's readings (in event-time order) into compressor cycles and
 * pull-downs after defrosts. Pure: no clock, only the readings' times.
 */
export class CompressorCycles {
  readonly cycles: CompressorCycle[] = [];
  readonly pullDowns: PullDown[] = [];
  airC: number | null = null;
  private airAt = -Infinity;
  running: boolean | null = null;
  /** When the compressor last started (null while it is off or unknown), the air and door time then, and the coldest air since. */
  runningSince: number | null = null;
  runStartAirC: number | null = null;
  runStartDoorMs = 0;
  runMinAirC: number | null = null;
  defrostActive = false;
  private off: PhaseStart | null = null;
  private on: (PhaseStart & { off: PhaseStart }) | null = null;
  private pendingPullDown: { defrostEndMs: number; fromC: number; doorMs: number; loadCPerH: number | null } | null = null;
  private doorClosedMs = 0;
  private doorOpenSince: number | null = null;

  constructor(private readonly tuning: PlantTuning) {}

  apply(r: ControllerReading): void {
    switch (r.kind) {
      case 'case.air_temperature':
        if (r.ts < this.airAt) return;
        this.airC = r.tempC;
        this.airAt = r.ts;
        if (this.running) this.runMinAirC = Math.min(this.runMinAirC ?? r.tempC, r.tempC);
        return;
      case 'case.setpoint':
        return;
      case 'case.door':
        if (r.open && this.doorOpenSince === null) this.doorOpenSince = r.ts;
        if (!r.open && this.doorOpenSince !== null) {
          this.doorClosedMs += Math.max(0, r.ts - this.doorOpenSince);
          this.doorOpenSince = null;
        }
        return;
      case 'case.defrost':
        if (r.active && !this.defrostActive) {
          // A defrost breaks the cycle; what follows it is a pull-down, measured on its own.
          this.off = null;
          this.on = null;
          this.pendingPullDown = null;
        }
        if (!r.active && this.defrostActive && this.airC !== null) this.pendingPullDown = { defrostEndMs: r.ts, fromC: this.airC, doorMs: this.doorMs(r.ts), loadCPerH: this.loadBefore(r.ts) };
        this.defrostActive = r.active;
        return;
      case 'case.compressor':
        if (r.running === this.running) return;
        this.running = r.running;
        if (r.running) this.started(r.ts);
        else this.stopped(r.ts);
        this.prune(r.ts);
        return;
    }
  }

  /** Door-open time up to `ts` since the start (a running total, so any interval is a difference). */
  doorMs(ts: number): number {
    return this.doorClosedMs + (this.doorOpenSince === null ? 0 : Math.max(0, ts - this.doorOpenSince));
  }

  private loadBefore(ts: number): number | null {
    const rises = this.cycles.filter((c) => c.endMs >= ts - LOAD_LOOKBACK_MS && c.endMs <= ts).map((c) => c.offRiseCPerH);
    return rises.length === 0 ? null : median(rises);
  }

  private started(ts: number): void {
    this.runningSince = ts;
    this.runStartAirC = this.airC;
    this.runMinAirC = this.airC;
    this.runStartDoorMs = this.doorMs(ts);
    this.on = this.off && this.airC !== null ? { at: ts, airC: this.airC, doorMs: this.doorMs(ts), off: this.off } : null;
    this.off = null;
  }

  private stopped(ts: number): void {
    this.runningSince = null;
    if (this.airC === null) return;
    if (this.pendingPullDown && !this.defrostActive) {
      const { doorMs, ...p } = this.pendingPullDown;
      this.pullDowns.push({ ...p, endMs: ts, toC: this.airC, doorOpenMs: this.doorMs(ts) - doorMs });
      this.pendingPullDown = null;
    }
    if (this.on) this.record(this.on, ts, this.airC);
    this.on = null;
    this.off = { at: ts, airC: this.airC, doorMs: this.doorMs(ts) };
  }

  private record(on: PhaseStart & { off: PhaseStart }, endMs: number, endC: number): void {
    const { maxCycleSwingC, maxPhaseMin } = this.tuning;
    const rise = on.airC - on.off.airC;
    const fall = on.airC - endC;
    const offMs = on.at - on.off.at;
    const onMs = endMs - on.at;
    // A swing under the air reading's resolution, or a warm case being pulled down, tells nothing about a cycle.
    const plausible = rise >= 0.3 && fall >= 0.3 && rise <= maxCycleSwingC && fall <= maxCycleSwingC;
    if (!plausible || offMs <= 0 || onMs <= 0 || offMs > maxPhaseMin * MIN || onMs > maxPhaseMin * MIN) return;
    this.cycles.push({
      startMs: on.off.at,
      onAtMs: on.at,
      endMs,
      offRiseCPerH: rise / (offMs / H),
      onFallCPerH: fall / (onMs / H),
      doorOpenMs: this.doorMs(endMs) - on.off.doorMs,
      offDoorOpenMs: on.doorMs - on.off.doorMs,
    });
  }

  private prune(ts: number): void {
    const { normalWindowH, recentWindowH, pullDownHistoryH } = this.tuning;
    const cycleFrom = ts - (normalWindowH + recentWindowH) * H;
    while (this.cycles.length > 0 && this.cycles[0]!.endMs < cycleFrom) this.cycles.shift();
    while (this.pullDowns.length > 0 && this.pullDowns[0]!.endMs < ts - pullDownHistoryH * H) this.pullDowns.shift();
  }
}
