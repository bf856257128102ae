import type { CameraScanMessage } from '@shelfwatch/contracts';
import { observeSlot, type CameraErrorRates, type SlotView } from '../world/camera-model.js';
import type { Rng } from '../world/rng.js';

export interface CameraFirmwareOptions {
  cameraId: string;
  slotIds: string[];
  scanIntervalMs: number;
  rates: CameraErrorRates;
  /** SKUs a confused recogniser may name. */
  knownSkus: string[];
  rng: Rng;
  firstScanMs: number;
}

/** Scans its slots every interval and reports what the recogniser sees. Pure. */
export class CameraFirmware {
  private seq = 0;
  private nextScanMs: number;

  constructor(private readonly opts: CameraFirmwareOptions) {
    this.nextScanMs = opts.firstScanMs;
  }

  get cameraId(): string {
    return this.opts.cameraId;
  }

  tick(nowMs: number, view: (slotId: string) => SlotView): CameraScanMessage | null {
    if (nowMs < this.nextScanMs) return null;
    this.nextScanMs += this.opts.scanIntervalMs * Math.max(1, Math.ceil((nowMs - this.nextScanMs + 1) / this.opts.scanIntervalMs));
    const slots = this.opts.slotIds.map((id) => {
      const v = view(id);
      return observeSlot(v, this.opts.rates, this.opts.knownSkus.filter((s) => s !== v.frontSku), this.opts.rng);
    });
    const message: CameraScanMessage = { seq: this.seq, ts: nowMs, slots };
    this.seq = (this.seq + 1) >>> 0;
    return message;
  }
}
