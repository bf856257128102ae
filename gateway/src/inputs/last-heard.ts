import type { Reading } from '@shelfwatch/contracts';
import { deviceStatusReading } from './device-status.js';

/**
 * When each device was last heard, in its own time base (the event time of its newest
 * reading). A status about a device going away is dated with it: the gateway's own
 * observations (a port closed, a session lost) have no device timestamp, and an MQTT last
 * will was written when the device connected, so it can only carry that moment. "Offline
 * since it was last heard" is what staff can act on, and it is the same at any speed or
 * load, unlike the wall time at which the loss happened to be noticed.
 */
export class LastHeard {
  private readonly at = new Map<string, number>();

  observe(deviceId: string, eventTs: number): void {
    const last = this.at.get(deviceId);
    if (last === undefined || eventTs > last) this.at.set(deviceId, eventTs);
  }

  known(deviceId: string): boolean {
    return this.at.has(deviceId);
  }

  /** The device's newest event time; `fallback` (the wall clock) if it never sent anything. */
  lastHeard(deviceId: string, fallback: number): number {
    return this.at.get(deviceId) ?? fallback;
  }

  /**
   * Notes a device's readings, and dates its last will (an offline status it did not send
   * itself) at the time it was last heard, when that is later than the will's own timestamp.
   */
  track(readings: Reading[]): Reading[] {
    return readings.map((r) => {
      if (r.kind !== 'device.status') {
        this.observe(r.deviceId, r.ts);
        return r;
      }
      const heard = this.at.get(r.deviceId);
      if (r.online || r.detail !== 'lwt' || heard === undefined || heard <= r.ts) return r;
      return deviceStatusReading({ storeId: r.storeId, deviceId: r.deviceId, deviceKind: r.deviceKind, online: false, ts: heard, detail: 'lwt: last heard' });
    });
  }
}
