import type { ReadingOf } from '@shelfwatch/contracts';
import { SampleWindow } from './sample-window.js';
import { MIN } from './format.js';

type ControllerReading = ReadingOf<
  'case.air_temperature' | 'case.setpoint' | 'case.defrost' | 'case.door' | 'case.compressor'
>;

/** What a case's controller says: air temperature, setpoint, defrost, door, compressor, online. */
export class CaseFacts {
  airC: number | null = null;
  airAt: number | null = null;
  readonly airHistory = new SampleWindow(120 * MIN);
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
  online = true;
  offlineSince: number | null = null;
  offlineDetail = '';
  lastControllerAt: number | null = null;

  constructor(private readonly doorRecoveryMs: number) {}

  apply(r: ControllerReading): void {
    this.lastControllerAt = Math.max(this.lastControllerAt ?? r.ts, r.ts);
    // A reading means the controller talks again, whatever the last retained status said.
    this.online = true;
    this.offlineSince = null;
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
        if (r.active && !this.defrostActive) this.defrostSince = r.ts;
        if (!r.active && this.defrostActive) this.defrostEndedAt = r.ts;
        this.defrostActive = r.active;
        return;
      case 'case.door':
        if (r.open && !this.doorOpen) {
          // A busy spell: openings that follow each other before the case has recovered.
          const recovered = this.doorClosedAt === null || r.ts - this.doorClosedAt >= this.doorRecoveryMs;
          if (recovered || this.doorBusySince === null) this.doorBusySince = r.ts;
          this.doorOpenSince = r.ts;
        }
        if (!r.open && this.doorOpen) this.doorClosedAt = r.ts;
        this.doorOpen = r.open;
        return;
      case 'case.compressor':
        if (this.compressorRunning !== r.running) this.compressorSince = r.ts;
        this.compressorRunning = r.running;
        return;
    }
  }

  setOnline(online: boolean, ts: number, detail: string): void {
    if (!online && this.online) this.offlineSince = ts;
    if (online) this.offlineSince = null;
    this.online = online;
    this.offlineDetail = detail;
  }

  airFresh(now: number, staleMs: number): number | null {
    return this.airAt !== null && now - this.airAt <= staleMs && this.online ? this.airC : null;
  }
}
