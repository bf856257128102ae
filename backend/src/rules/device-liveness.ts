import type { DeviceKind, DeviceRef } from '@shelfwatch/contracts';
import { Cadence } from './cadence.js';
import type { ConditionLatch } from './condition-latch.js';
import type { RuleTuning } from './defaults.js';
import { fmtTime, MIN } from './format.js';
import type { StoreIndex } from './store-index.js';
import type { RuleDecision } from './types.js';

interface Life {
  ref: DeviceRef;
  /** Newest data reading (event order). */
  lastTs: number | null;
  offlineSince: number | null;
  /** When the gateway stopped listening (its restart), if the device has not been heard since. */
  unheardSince: number | null;
  detail: string;
  cadence: Cadence;
}

interface Down {
  id: string;
  since: number;
}

/** Boards, cameras and probes report on a schedule; a controller publishes when a value changes. */
const PERIODIC: ReadonlySet<DeviceKind> = new Set(['weight_board', 'camera', 'probe']);

const WHAT: Record<DeviceKind, string> = { weight_board: 'Shelf weight board', camera: 'Shelf camera', probe: 'Probe', controller: 'Case controller' };

/**
 * Whether each device of the store talks, and whether the STORE does.
 *
 * A device is down when the gateway reports it offline (status, last will), or, for a device
 * that reports on a schedule, when it has been silent for several of its usual intervals.
 * Controllers publish only on change, so their silence is not evidence; only their status is,
 * both ways (the values of their log, read when the link is back, are dated while it was down).
 *
 * Most of the devices that were reporting going down within a few minutes of each other have one
 * cause (power, network, the gateway), not many: that is ONE store-outage task, and per-device tasks wait
 * until it is over. Per-device tasks therefore need longer than the outage check (a status must
 * hold for `deviceOfflineConfirmMin`, silence last `deviceSilentMin`/`probeSilentMin`), so an
 * outage is recognised before any of its devices is reported on its own. After the outage,
 * devices that did not come back are reported one by one, with the time they went silent.
 *
 * Silence while the gateway was not listening says nothing about a device: after a gateway
 * restart (dated when it stopped listening), a device it had heard is not silent until it
 * has stayed unheard for the catch-up horizon past that moment; its backlog, or its loss
 * while the gateway was down, is not a fault of its own.
 */
export class DeviceLiveness {
  private readonly devices = new Map<string, Life>();
  private watchedSince: number | null = null;
  private outage: { since: number; until: number; count: number; clearSince: number | null } | null = null;

  constructor(private readonly ctx: { index: StoreIndex; latch: ConditionLatch; tuning: RuleTuning }) {
    for (const ref of ctx.index.devices) this.devices.set(ref.id, { ref, lastTs: null, offlineSince: null, unheardSince: null, detail: '', cadence: new Cadence() });
  }

  get outageActive(): boolean {
    return this.outage !== null;
  }

  /** A data reading of the device (event order). */
  heard(deviceId: string, ts: number): void {
    this.watchedSince ??= ts;
    const life = this.devices.get(deviceId);
    if (!life) return;
    life.cadence.push(ts);
    life.lastTs = Math.max(life.lastTs ?? ts, ts);
    // A controller's log, read once it is reached again, holds values it set while it could not be
    // reached: only its status says when it was back. Other devices' data is their link talking.
    if (life.ref.kind !== 'controller') life.offlineSince = null;
    life.unheardSince = null;
  }

  /** The gateway restarted, having stopped listening at `ts` (event order). */
  restarted(ts: number): void {
    for (const life of this.devices.values()) if (life.lastTs !== null) life.unheardSince = ts;
  }

  status(deviceId: string, ts: number, online: boolean, detail: string): void {
    this.watchedSince ??= ts;
    const life = this.devices.get(deviceId);
    if (!life) return;
    if (online) life.offlineSince = null;
    else life.offlineSince ??= ts;
    life.detail = detail;
  }

  /** Is the device offline by status (as of the rules' event time)? */
  offline(deviceId: string): boolean {
    return (this.devices.get(deviceId)?.offlineSince ?? null) !== null;
  }

  evaluate(now: number): RuleDecision[] {
    this.watchedSince ??= now;
    const out = this.storeOutage(now);
    for (const life of this.devices.values()) out.push(...this.device(now, life));
    return out;
  }

  private heardAt(life: Life): number {
    return life.lastTs ?? this.watchedSince ?? 0;
  }

  /** Its silence is the gateway's restart, not yet evidence about the device. */
  private excused(life: Life, now: number): boolean {
    return life.unheardSince !== null && now - life.unheardSince < this.ctx.tuning.restartCatchUpMin * MIN;
  }

  private storeOutage(now: number): RuleDecision[] {
    const t = this.ctx.tuning;
    const { index, latch } = this.ctx;
    const key = `store:${index.storeId}`;
    const down: Down[] = [];
    let observable = 0;
    for (const life of this.devices.values()) {
      // An outage is devices STOPPING: one never heard is reported on its own.
      if (life.lastTs === null && life.offlineSince === null) continue;
      if (life.offlineSince !== null) {
        observable++;
        down.push({ id: life.ref.id, since: life.offlineSince });
      } else if (PERIODIC.has(life.ref.kind)) {
        observable++;
        const heard = this.heardAt(life);
        if (!this.excused(life, now) && now - heard >= life.cadence.patience(t.outageSilenceMin * MIN, 3)) down.push({ id: life.ref.id, since: heard });
      }
    }
    if (this.outage === null) {
      const cluster = largestCluster(down, t.outageSpanMin * MIN);
      if (cluster.length < Math.max(2, Math.ceil(t.outageFraction * observable))) return [];
      const since = cluster[0]!.since;
      const until = cluster[cluster.length - 1]!.since;
      this.outage = { since, until, count: cluster.length, clearSince: null };
      const when = fmtTime(since) === fmtTime(until) ? `at ${fmtTime(since)}` : `between ${fmtTime(since)} and ${fmtTime(until)}`;
      const text = `${cluster.length} of ${observable} devices stopped reporting ${when}`;
      return latch.assert(now, {
        storeId: index.storeId, kind: 'sensor_fault', locationKey: key, severity: 'critical',
        location: { label: `${index.layout.store.name}: store devices` },
        title: 'Store devices offline',
        action: 'Check the store’s power, network and the ShelfWatch gateway. Shelf and case alarms are on hold until the devices report again: check the refrigerated cases by hand meanwhile.',
        reason: `${text}: one cause (power, network or gateway), not ${cluster.length} device faults. Devices offline since ${fmtTime(since)}.`,
        evidence: cluster.slice(0, 8).map((d) => ({ ts: d.since, text: `${d.id} last heard ${fmtTime(d.since)}` })),
        products: [],
      });
    }
    if (down.length >= Math.ceil(t.outageClearFraction * observable)) {
      this.outage.clearSince = null;
      return [];
    }
    this.outage.clearSince ??= now;
    if (now - this.outage.clearSince < t.outageClearHoldMin * MIN) return [];
    this.outage = null;
    return latch.clear(now, index.storeId, 'sensor_fault', key, `The store’s devices report again (${down.length} of ${observable} still silent)`);
  }

  private device(now: number, life: Life): RuleDecision[] {
    const { index, latch, tuning: t } = this.ctx;
    const { ref } = life;
    const key = `device:${ref.id}`;
    const what = WHAT[ref.kind];
    let finding: { title: string; text: string; ts: number } | null = null;
    if (life.offlineSince !== null) {
      if (now - life.offlineSince >= t.deviceOfflineConfirmMin * MIN) {
        finding = { title: `${what} offline`, text: `${what} ${ref.id} went offline at ${fmtTime(life.offlineSince)}${life.detail ? ` (${life.detail})` : ''}`, ts: life.offlineSince };
      }
    } else if (PERIODIC.has(ref.kind) && !this.excused(life, now)) {
      const heard = this.heardAt(life);
      const silentMin = ref.kind === 'probe' ? t.probeSilentMin : t.deviceSilentMin;
      if (now - heard >= life.cadence.patience(silentMin * MIN, 5)) {
        const text = life.lastTs === null ? `${what} ${ref.id} has not reported since the store was first heard at ${fmtTime(heard)}` : `${what} ${ref.id} has sent nothing since ${fmtTime(heard)}`;
        finding = { title: `${what} not reporting`, text, ts: heard };
      }
    }
    if (finding === null) return latch.clear(now, index.storeId, 'sensor_fault', key, `${what} ${ref.id} reports again`);
    // One outage is one task: its devices are not reported one by one while it lasts.
    if (this.outage !== null) return [];
    return latch.assert(now, {
      storeId: index.storeId, kind: 'sensor_fault', locationKey: key, severity: 'warning',
      location: index.deviceLocation(ref),
      title: finding.title,
      action: ACTION[ref.kind],
      reason: `${finding.text}. ${CONSEQUENCE[ref.kind]}`,
      evidence: [{ ts: finding.ts, text: finding.text }],
      products: [],
    }, finding.title);
  }
}

const ACTION: Record<DeviceKind, string> = {
  weight_board: 'Check the board’s power and cable; the camera judges its slots meanwhile.',
  camera: 'Check the camera’s power and network; the shelf scales judge its slots meanwhile.',
  probe: 'Check the probe: battery, radio range, placement; replace it if needed.',
  controller: 'Check the case controller’s power and network; call refrigeration service if it stays offline. Check the case temperature by hand meanwhile.',
};

const CONSEQUENCE: Record<DeviceKind, string> = {
  weight_board: 'Its slots are judged by the camera alone meanwhile.',
  camera: 'Its slots are judged by the shelf scales alone meanwhile.',
  probe: 'The case is watched with its other sensors meanwhile.',
  controller: 'Door, defrost and compressor state are unknown; alarms for this case rely on its wireless probes meanwhile.',
};

/** The largest group of down-times within `spanMs` of each other (sorted by time). */
function largestCluster(down: Down[], spanMs: number): Down[] {
  const sorted = [...down].sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : 1));
  let best: Down[] = [];
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]!.since - sorted[lo]!.since > spanMs) lo++;
    if (hi - lo + 1 > best.length) best = sorted.slice(lo, hi + 1);
  }
  return best;
}
