import type { Reading } from '@shelfwatch/contracts';

/**
 * How a replay delivers the readings a backend received in a live run:
 *  - `backlog`: in the live order, in large batches as fast as the backend takes them (a
 *    gateway catching up after the backend or its link was down);
 *  - `late`: the MQTT devices' readings (probes, cameras: one radio path) trail the serial
 *    and OPC UA readings by most of the reordering window;
 *  - `shuffled`: every device's stream delayed by its own amount, changing every few minutes,
 *    within the reordering window (a store-and-forward relay, multipath).
 * Each device's own readings keep their order (its transport is one ordered stream: a serial
 * line, an MQTT session, an OPC UA subscription); devices interleave differently. Every rule
 * must give the same tasks for all three as for the live run.
 */
export type DeliveryMode = 'backlog' | 'late' | 'shuffled';
export const DELIVERY_MODES: readonly DeliveryMode[] = ['backlog', 'late', 'shuffled'];

export interface DeliveryPlanOptions {
  /** The backend's reordering window (event time a reading may trail the store and still count). */
  windowMs: number;
  seed: number;
}

/** Share of the window used for delays, so rounding and batching never push a reading beyond it. */
const WITHIN_WINDOW = 0.8;
/** A shuffled device's delay changes this often (event time). */
const SHUFFLE_PERIOD_MS = 5 * 60_000;
const BATCH = { backlog: 5_000, late: 200, shuffled: 200 } as const;

/** The readings (in their live arrival order) in the order and batches a replay sends them. Pure; deterministic for a seed. */
export function deliveryBatches(readings: readonly Reading[], mode: DeliveryMode, options: DeliveryPlanOptions): Reading[][] {
  const delayMs = (r: Reading): number => {
    switch (mode) {
      case 'backlog':
        return 0;
      case 'late':
        return viaMqtt(r) ? WITHIN_WINDOW * options.windowMs : 0;
      case 'shuffled':
        return shuffleDelayMs(r, options.windowMs, options.seed);
    }
  };
  const ordered = mode === 'backlog' ? [...readings] : inArrivalOrder(readings, delayMs, WITHIN_WINDOW * options.windowMs);
  const size = BATCH[mode];
  const batches: Reading[][] = [];
  for (let i = 0; i < ordered.length; i += size) batches.push(ordered.slice(i, i + size));
  return batches;
}

/**
 * Orders readings (given in their live arrival order) by when they would arrive with a delay
 * more: the live arrival, in event time (the newest event time the store had reached when the
 * reading came, so a reading that was late live stays as late), plus the delay, but never more
 * than `maxLateMs` behind its own event time unless it was already that late live (a reading
 * that came a few minutes late live, delayed by most of the window again, would be beyond the
 * window: a different question from the one a replay within the window asks); one of a
 * device's readings never overtakes an earlier one of the same device.
 */
export function inArrivalOrder(readings: readonly Reading[], delayMs: (r: Reading) => number, maxLateMs = Infinity): Reading[] {
  const lastArrival = new Map<string, number>();
  let frontier = -Infinity;
  return readings
    .map((r, i) => {
      frontier = Math.max(frontier, r.ts);
      const latest = Math.max(frontier, r.ts + maxLateMs);
      const arrives = Math.max(lastArrival.get(r.deviceId) ?? -Infinity, Math.min(frontier + delayMs(r), latest));
      lastArrival.set(r.deviceId, arrives);
      return { r, i, arrives };
    })
    .sort((a, b) => a.arrives - b.arrives || a.i - b.i)
    .map((x) => x.r);
}

/** A device's delay within the window for the period a reading falls in; the same for the same seed. */
export function shuffleDelayMs(r: Pick<Reading, 'deviceId' | 'ts'>, windowMs: number, seed: number): number {
  return Math.floor(unitHash(`${seed}:${r.deviceId}:${Math.floor(r.ts / SHUFFLE_PERIOD_MS)}`) * WITHIN_WINDOW * windowMs);
}

function viaMqtt(r: Reading): boolean {
  return r.kind === 'probe.temperature' || r.kind === 'camera.slot' || (r.kind === 'device.status' && (r.deviceKind === 'probe' || r.deviceKind === 'camera'));
}

/** A uniform number in [0, 1) from a string (FNV-1a, then a 32-bit finaliser). */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}
