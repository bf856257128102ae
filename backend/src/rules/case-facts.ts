import type { ReadingOf } from '@shelfwatch/contracts';
import { SampleWindow } from './sample-window.js';
import { MIN } from './format.js';

type ControllerReading = ReadingOf<
  'case.air_temperature' | 'case.setpoint' | 'case.defrost' | 'case.door' | 'case.compressor'
>;

/** How long the air history reaches back: the probe checks compare hours of it. */
const AIR_HISTORY_MS = 300 * MIN;

/**
 * What a case's controller says: air temperature, setpoint, defrost, door, compressor. A
 * controller publishes a value when it changes, so each value holds until the next one.
 */
export class CaseFacts {
  airC: number | null = null;
  airAt: number | null = null;
  readonly airHistory = new SampleWindow(AIR_HISTORY_MS);
  setpointC: number | null = null;
  defrostActive = false;
  defrostSince: number | null = null;
  defrostEndedAt: number | null = null;
  doorOpen = false;
  doorOpenSince: number | null = null;
  doorClosedAt: number | null = null;
  /** Start of the current run of door openings with no full recovery in between. */
  doorBusySince: number | null = null;
  compressorRunning: boolean | null = null;
  compressorSince: number | null = null;
  lastControllerAt: number | null = null;
  /** Defrosts and door openings (end null while they last), for the probe checks. */
  private readonly disturbances: { from: number; to: number | null; kind: 'defrost' | 'door' }[] = [];

  constructor(private readonly doorRecoveryMs: number, private readonly defrostRecoveryMs: number) {}

  apply(r: ControllerReading): void {
    this.lastControllerAt = Math.max(this.lastControllerAt ?? r.ts, r.ts);
    switch (r.kind) {
      case 'case.air_temperature':
        if (this.airAt !== null && r.ts < this.airAt) return;
        this.airC = r.tempC;
        this.airAt = r.ts;
        this.airHistory.push(r.ts, r.tempC);
        return;
      case 'case.setpoint':
        this.setpointC = r.tempC;
        return;
      case 'case.defrost':
        if (r.active && !this.defrostActive) {
          this.defrostSince = r.ts;
          this.disturbances.push({ from: r.ts, to: null, kind: 'defrost' });
        }
        if (!r.active && this.defrostActive) {
          this.defrostEndedAt = r.ts;
          this.close('defrost', r.ts);
        }
        this.defrostActive = r.active;
        return;
      case 'case.door':
        if (r.open && !this.doorOpen) {
          // A busy spell: openings that follow each other before the case has recovered.
          const recovered = this.doorClosedAt === null || r.ts - this.doorClosedAt >= this.doorRecoveryMs;
          if (recovered || this.doorBusySince === null) this.doorBusySince = r.ts;
          this.doorOpenSince = r.ts;
          this.disturbances.push({ from: r.ts, to: null, kind: 'door' });
        }
        if (!r.open && this.doorOpen) {
          this.doorClosedAt = r.ts;
          this.close('door', r.ts);
        }
        this.doorOpen = r.open;
        return;
      case 'case.compressor':
        if (this.compressorRunning !== r.running) this.compressorSince = r.ts;
        this.compressorRunning = r.running;
        return;
    }
  }

  /** The controller's air, while it is live and its last value is recent enough to stand (it publishes on change). */
  airFresh(now: number, holdMs: number, live: boolean): number | null {
    return live && this.airAt !== null && now - this.airAt <= holdMs ? this.airC : null;
  }

  /** True while the air is disturbed on purpose: a defrost and its recovery, a door open and a few minutes after. */
  disturbed(ts: number): boolean {
    return this.disturbances.some((d) => {
      const recovery = d.kind === 'defrost' ? this.defrostRecoveryMs : this.doorRecoveryMs / 2;
      return ts >= d.from && (d.to === null || ts < d.to + recovery);
    });
  }

  /** True when a defrost ran at any time since `ts`. */
  defrostedSince(ts: number): boolean {
    return this.disturbances.some((d) => d.kind === 'defrost' && (d.to === null || d.to >= ts));
  }

  private close(kind: 'defrost' | 'door', ts: number): void {
    const open = [...this.disturbances].reverse().find((d) => d.kind === kind && d.to === null);
    if (open) open.to = ts;
    // Keep what the air history covers.
    while (this.disturbances.length > 0 && (this.disturbances[0]!.to ?? Infinity) < ts - AIR_HISTORY_MS - this.defrostRecoveryMs) this.disturbances.shift();
  }
}
