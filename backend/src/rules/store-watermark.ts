import { MinHeap } from './min-heap.js';

interface Mark {
  /** Newest event time the device has reported (before it reports: one window before the store's first). */
  wm: number;
  online: boolean;
}

/**
 * How far a store's event time is settled: the time before which every reading still to come
 * has arrived (up to the reordering window), so decisions up to it are taken once and for good.
 *
 * Each device reports in order (serial line, MQTT client, OPC UA subscription, the gateway's
 * outbox), but the devices' streams reach the backend with different delays. Every device the
 * gateway has not reported offline holds the watermark at its newest reading, but never more
 * than the reordering window behind the store's newest event time: a silent device (dead
 * without a last will, a controller with nothing to publish, one not heard yet) costs at most
 * that window of waiting, and a reading more than a window behind the rest of the store is late.
 *
 * A device the gateway reported offline is not waited for, except while the store is in an
 * outage (`waitForOffline`): then every device is about to come back at once, and one whose
 * "back online" travels a slower path (a radio, a relay) than the others' data would otherwise
 * find the end of the outage already decided without it. Waiting then costs nothing: during an
 * outage the rules judge no slot or case anyway.
 *
 * Pure bookkeeping over arrivals: the same readings in the same order give the same watermark
 * after every reading, however they were batched or timed.
 */
export class StoreWatermark {
  private readonly devices = new Map<string, Mark>();
  private readonly holders = new MinHeap<{ wm: number; id: string }>((a, b) => a.wm < b.wm);
  private newest: number | null = null;
  private settledBefore: number | null = null;
  private waitingForOffline = false;

  constructor(
    private readonly deviceIds: readonly string[],
    private readonly windowMs: number,
  ) {}

  /** Event time before which everything is decided (null before the first reading). */
  get settled(): number | null {
    return this.settledBefore;
  }

  /** True when a reading with this time arrives after its time was settled. */
  isLate(ts: number): boolean {
    return this.settledBefore !== null && ts < this.settledBefore;
  }

  /** Notes an arriving reading of a device of this store; `online` for status readings. */
  observe(deviceId: string, ts: number, online?: boolean): void {
    if (online !== undefined) {
      this.status(deviceId, online);
      return;
    }
    if (this.newest === null) {
      for (const id of this.deviceIds) this.set(id, { wm: ts - this.windowMs, online: true });
    }
    this.newest = Math.max(this.newest ?? ts, ts);
    const d = this.devices.get(deviceId);
    if (!d) return;
    // Data from a device means it talks, whatever its last status said.
    this.set(deviceId, { wm: Math.max(d.wm, ts), online: true });
  }

  /**
   * A status is the gateway's statement about a device, dated when the device was last heard
   * or, if it never was, by the gateway's own clock: it says whether to wait for the device,
   * never how far the store's time has got (a status stamped by a clock that is not the
   * devices' would otherwise settle the whole store up to that clock).
   */
  private status(deviceId: string, online: boolean): void {
    const d = this.devices.get(deviceId);
    if (d) this.set(deviceId, { wm: d.wm, online });
  }

  /** Whether devices reported offline hold the watermark too (up to the window), as during a store outage. */
  waitForOffline(on: boolean): void {
    if (on === this.waitingForOffline) return;
    this.waitingForOffline = on;
    if (on) for (const [id, d] of this.devices) this.holders.push({ wm: d.wm, id });
  }

  /** Recomputes the settled time after arrivals. */
  advance(): number | null {
    if (this.newest === null) return this.settledBefore;
    let oldest = Infinity;
    for (;;) {
      const top = this.holders.peek();
      if (!top) break;
      const d = this.devices.get(top.id);
      if (!d || (!d.online && !this.waitingForOffline) || d.wm !== top.wm) {
        this.holders.pop();
        continue;
      }
      oldest = top.wm;
      break;
    }
    const mark = Math.min(this.newest, Math.max(this.newest - this.windowMs, oldest));
    this.settledBefore = Math.max(this.settledBefore ?? mark, mark);
    return this.settledBefore;
  }

  /** Declares event time settled up to `ts` from outside (a replay's end, a test). */
  force(ts: number): void {
    this.newest = Math.max(this.newest ?? ts, ts);
    this.settledBefore = Math.max(this.settledBefore ?? ts, ts);
  }

  private set(id: string, mark: Mark): void {
    const prior = this.devices.get(id);
    this.devices.set(id, mark);
    if ((mark.online || this.waitingForOffline) && (prior === undefined || prior.wm !== mark.wm || !prior.online)) this.holders.push({ wm: mark.wm, id });
  }
}
