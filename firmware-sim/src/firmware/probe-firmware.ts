import type { ProbeMessage } from '@shelfwatch/contracts';
import type { ProbeSample } from '../world/probe-model.js';
import type { Rng } from '../world/rng.js';

export interface ProbeFirmwareOptions {
  probeId: string;
  intervalMs: number;
  firstReportMs: number;
  rng: Rng;
}

/** A battery wireless probe: wakes every interval, samples, sends one message. Pure. */
export class ProbeFirmware {
  private seq = 0;
  private nextMs: number;
  private batteryPct: number;

  constructor(private readonly opts: ProbeFirmwareOptions) {
    this.nextMs = opts.firstReportMs;
    this.batteryPct = Math.round(opts.rng.uniform(55, 100));
  }

  get probeId(): string {
    return this.opts.probeId;
  }

  /** Due to report at nowMs? (A probe that is offline still wakes and loses its message.) */
  due(nowMs: number): boolean {
    return nowMs >= this.nextMs;
  }

  report(nowMs: number, sample: ProbeSample): ProbeMessage {
    this.nextMs += this.opts.intervalMs * Math.max(1, Math.ceil((nowMs - this.nextMs + 1) / this.opts.intervalMs));
    // Roughly 0.4 % a day: a coin cell lasting most of a year at one message a minute.
    this.batteryPct = Math.max(0, this.batteryPct - 0.004 * (this.opts.intervalMs / 86_400_000) * 100);
    const message: ProbeMessage = {
      seq: this.seq,
      ts: nowMs,
      tempC: sample.tempC,
      fault: sample.fault,
      batteryPct: Math.round(this.batteryPct * 10) / 10,
      rssiDbm: Math.round(Math.min(-30, Math.max(-110, this.opts.rng.normal(-68, 4)))),
    };
    this.seq = (this.seq + 1) >>> 0;
    return message;
  }

  /** A missed wake-up while the radio is down still advances the schedule. */
  skip(nowMs: number): void {
    this.nextMs += this.opts.intervalMs * Math.max(1, Math.ceil((nowMs - this.nextMs + 1) / this.opts.intervalMs));
  }
}
