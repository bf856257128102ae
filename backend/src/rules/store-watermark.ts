import { MinHeap } from './min-heap.js';

interface Mark {
  /** Newest event time the device has reported (before it reports: one window before the store's first). */
  wm: number;
  online: boolean;
  /** It has sent data (not only been assumed one window behind the store's first reading). */
  heard: boolean;
  /** Heard before the gateway's latest restart: waited for without the window until the catch-up ends. */
  catchingUp: boolean;
}

interface Holder {
  wm: number;
  id: string;
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
 * After the gateway restarts (its statement, dated when it stopped listening: P), every device
 * it had heard is catching up: its backlog (a board's held frames, a camera's queued
 * messages, a controller's log) arrives at whatever pace its link allows, while other
 * devices' backlogs may already have moved the store far past it. Each is waited for at its
 * own newest reading, without the window, until the store's newest event time is more than
 * the catch-up horizon past P (a device that died meanwhile then costs that much waiting,
 * once), or the gateway reports it offline. Which device flushes first then changes nothing.
 *
 * A device the gateway reported offline is not waited for, except while the store is in an
 * outage (`waitForOffline`): then every device is about to come back at once, and one whose
 * "back online" travels a slower path (a radio, a relay) than the others' data would otherwise
 * find the end of the outage already decided without it. Waiting then (up to the window) costs
 * nothing: during an outage the rules judge no slot or case anyway.
 *
 * Pure bookkeeping over arrivals: the same readings in the same order give the same watermark
 * after every reading, however they were batched or timed.
 */
export class StoreWatermark {
  private readonly devices = new Map<string, Mark>();
  /** Online devices, by newest reading (stale entries skipped when met). */
  private readonly holders = new MinHeap<Holder>((a, b) => a.wm < b.wm);
  /** The same for the devices catching up after a restart. */
  private readonly catchers = new MinHeap<Holder>((a, b) => a.wm < b.wm);
  private newest: number | null = null;
  private settledBefore: number | null = null;
  /** Store time past which the catch-up after the latest gateway restart ends. */
  private catchUpUntil: number | null = null;
  private waitingForOffline = false;

  constructor(
    private readonly deviceIds: readonly string[],
    private readonly windowMs: number,
    private readonly catchUpMs: number,
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
      for (const id of this.deviceIds) this.set(id, { wm: ts - this.windowMs, online: true, heard: false, catchingUp: false });
    }
    this.newest = Math.max(this.newest ?? ts, ts);
    const d = this.devices.get(deviceId);
    if (!d) return;
    // Data from a device means it talks, whatever its last status said.
    this.set(deviceId, { ...d, wm: Math.max(d.wm, ts), online: true, heard: true });
  }

  /**
   * The gateway restarted, having stopped listening at `ts`: every device it had heard is
   * catching up until the store's newest event time passes `ts` + the catch-up horizon.
   * Like any status, it moves no store time.
   */
  restarted(ts: number): void {
    this.catchUpUntil = Math.max(this.catchUpUntil ?? -Infinity, ts + this.catchUpMs);
    for (const [id, d] of this.devices) if (d.heard) this.set(id, { ...d, catchingUp: true });
  }

  /**
   * A status is the gateway's statement about a device, dated when the device was last heard
   * or, if it never was, by the gateway's own clock: it says whether to wait for the device,
   * never how far the store's time has got (a status stamped by a clock that is not the
   * devices' would otherwise settle the whole store up to that clock).
   */
  private status(deviceId: string, online: boolean): void {
    const d = this.devices.get(deviceId);
    if (d) this.set(deviceId, { ...d, online });
  }

  /** Whether devices reported offline hold the watermark too (up to the window), as during a store outage. */
  waitForOffline(on: boolean): void {
    if (on === this.waitingForOffline) return;
    this.waitingForOffline = on;
    if (on) for (const [id, d] of this.devices) if (!d.catchingUp) this.holders.push({ wm: d.wm, id });
  }

  /** Recomputes the settled time after arrivals. */
  advance(): number | null {
    if (this.newest === null) return this.settledBefore;
    if (this.catchUpUntil !== null && this.newest > this.catchUpUntil) this.endCatchUp();
    const bounded = Math.max(this.newest - this.windowMs, this.oldest(this.holders, false));
    const mark = Math.min(this.newest, bounded, this.oldest(this.catchers, true));
    this.settledBefore = Math.max(this.settledBefore ?? mark, mark);
    return this.settledBefore;
  }

  /** The newest reading of the online device that has reported least far in a heap (Infinity if none). */
  private oldest(heap: MinHeap<Holder>, catchingUp: boolean): number {
    for (;;) {
      const top = heap.peek();
      if (!top) return Infinity;
      const d = this.devices.get(top.id);
      const waited = d !== undefined && (d.online || (this.waitingForOffline && !catchingUp));
      if (waited && d.catchingUp === catchingUp && d.wm === top.wm) return top.wm;
      heap.pop();
    }
  }

  private endCatchUp(): void {
    this.catchUpUntil = null;
    for (const [id, d] of this.devices) if (d.catchingUp) this.set(id, { ...d, catchingUp: false });
  }

  /** Declares event time settled up to `ts` from outside (a replay's end, a test). */
  force(ts: number): void {
    this.newest = Math.max(this.newest ?? ts, ts);
    this.settledBefore = Math.max(this.settledBefore ?? ts, ts);
  }

  private set(id: string, mark: Mark): void {
    const prior = this.devices.get(id);
    this.devices.set(id, mark);
    const changed = prior === undefined || prior.wm !== mark.wm || !prior.online || prior.catchingUp !== mark.catchingUp;
    if (mark.online && changed) (mark.catchingUp ? this.catchers : this.holders).push({ wm: mark.wm, id });
    else if (this.waitingForOffline && changed && !mark.catchingUp) this.holders.push({ wm: mark.wm, id });
  }
}
