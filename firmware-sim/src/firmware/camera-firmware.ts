import type { CameraScanMessage } from '@shelfwatch/contracts';
import { observeSlot, type CameraErrorRates, type SlotView } from '../world/camera-model.js';
import type { Rng } from '../world/rng.js';

export interface CameraFirmwareOptions {
  cameraId: string;
  slotIds: string[];
  scanIntervalMs: number;
  rates: CameraErrorRates;
  /** Per-slot rates where a slot is seen worse or better than the camera's average. */
  slotRates?: Record<string, Partial<CameraErrorRates>>;
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

  /**
   * One scan if due: every slot in view (`sees`) as the recogniser reports it. A camera that is
   * off or hung (`active` false) lets the scan pass without a message.
   */
  tick(nowMs: number, view: (slotId: string) => SlotView, sees: (slotId: string) => boolean = () => true, active = true): CameraScanMessage | null {
    if (nowMs < this.nextScanMs) return null;
    this.nextScanMs += this.opts.scanIntervalMs * Math.max(1, Math.ceil((nowMs - this.nextScanMs + 1) / this.opts.scanIntervalMs));
    if (!active) return null;
    const slots = this.opts.slotIds.filter(sees).map((id) => {
      const v = view(id);
      const rates = this.opts.slotRates?.[id];
      return observeSlot(v, rates ? { ...this.opts.rates, ...rates } : this.opts.rates, this.opts.knownSkus.filter((s) => s !== v.frontSku), this.opts.rng);
    });
    if (slots.length === 0) return null;
    const message: CameraScanMessage = { seq: this.seq, ts: nowMs, slots };
    this.seq = (this.seq + 1) >>> 0;
    return message;
  }
}
