import type { Reading } from '@shelfwatch/contracts';

export interface ForwardFilterOptions {
  /** Event-time interval after which an unchanged weight slot is forwarded anyway. */
  heartbeatMs: number;
}

interface SlotState {
  units: number;
  stable: boolean;
  fault: string | null;
  forwardedTs: number;
}

/**
 * What the backend's rules need, not every raw sample: weight readings only when a slot's
 * stable units change, when stable/fault flips, and as a heartbeat per slot every
 * heartbeatMs of event time; everything else (camera, probes, controller changes, device
 * status) is forwarded as is. State lives in memory: after a restart the first reading of
 * each slot is forwarded again, which the backend's idempotent ingest absorbs.
 */
export class ForwardFilter {
  private readonly slots = new Map<string, SlotState>();

  constructor(private readonly options: ForwardFilterOptions) {}

  accepts(reading: Reading): boolean {
    if (reading.kind !== 'shelf.weight') return true;
    const key = `${reading.deviceId}:${reading.channel}`;
    const prev = this.slots.get(key);
    const changed =
      prev === undefined ||
      prev.stable !== reading.stable ||
      prev.fault !== reading.fault ||
      (reading.stable && prev.units !== reading.units) ||
      reading.ts - prev.forwardedTs >= this.options.heartbeatMs ||
      reading.ts < prev.forwardedTs;
    if (!changed) return false;
    // Unstable readings update only the flag: units while a hand is on the shelf are noise.
    this.slots.set(key, { units: reading.stable ? reading.units : (prev?.units ?? reading.units), stable: reading.stable, fault: reading.fault, forwardedTs: reading.ts });
    return true;
  }
}
