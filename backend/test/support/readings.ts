import type { Reading, ReadingOf } from '@shelfwatch/contracts';

let seq = 0;

/** A whole minute two hours ago: recent event time, which ingest takes (it refuses readings more than 47 h old). */
export const RECENT_T0 = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000;

export function weight(ts: number, units: number, opts: { slotId?: string; sku?: string; channel?: number; id?: string } = {}): ReadingOf<'shelf.weight'> {
  seq++;
  const channel = opts.channel ?? 0;
  return {
    id: opts.id ?? `board-3b:${seq}:ch${channel}`,
    storeId: 'store-1',
    deviceId: 'board-3b',
    ts,
    kind: 'shelf.weight',
    shelfId: 'shelf-3b',
    slotId: opts.slotId ?? 'slot-3b-1',
    sku: opts.sku ?? 'MILK-1L',
    channel,
    rawCounts: 1000 + units * 2080,
    grams: units * 1040,
    units,
    stable: true,
    fault: null,
  };
}

export function probe(ts: number, tempC: number, id?: string): ReadingOf<'probe.temperature'> {
  seq++;
  return {
    id: id ?? `probe-4a:${seq}`,
    storeId: 'store-1',
    deviceId: 'probe-4a',
    ts,
    kind: 'probe.temperature',
    caseId: 'case-4',
    placement: 'product',
    tempC,
    fault: null,
    batteryPct: 90,
    rssiDbm: -60,
  };
}

export function cameraGap(ts: number, slotId = 'slot-3b-1'): ReadingOf<'camera.slot'> {
  seq++;
  return {
    id: `cam-3:${seq}:${slotId}`,
    storeId: 'store-1',
    deviceId: 'cam-3',
    ts,
    kind: 'camera.slot',
    shelfId: 'shelf-3b',
    slotId,
    skuSeen: null,
    facings: 0,
    gap: true,
    confidence: 0.9,
  };
}

/**
 * One minute of the fixture store as its devices report it: the weight board's heartbeat for
 * slot-3b-1, a camera scan, the product probe and the controller's air. The rules decide a
 * minute once every device has reported past it, so tests send whole minutes.
 */
export function storeMinute(ts: number, o: { units: number; gap?: boolean; tempC?: number }): Reading[] {
  seq++;
  const gap = o.gap ?? o.units === 0;
  return [
    weight(ts, o.units, { id: `board-3b:m${seq}:ch0` }),
    { ...cameraGap(ts), id: `cam-3:m${seq}:slot-3b-1`, skuSeen: gap ? null : 'MILK-1L', facings: gap ? 0 : 3, gap, confidence: 0.95 },
    probe(ts, o.tempC ?? 3.5, `probe-4a:m${seq}`),
    { id: `ctrl-4:m${seq}`, storeId: 'store-1', deviceId: 'ctrl-4', ts, kind: 'case.air_temperature', caseId: 'case-4', tempC: 3 },
  ];
}

/** Whole minutes `from`..`to` after t0 of the fixture store, every device reporting (the rules decide a minute once all have). */
export function storeMinutes(t0: number, from: number, to: number, o: { units: number }): Reading[] {
  const out: Reading[] = [];
  for (let m = from; m <= to; m += 1) out.push(...storeMinute(t0 + m * 60_000, o));
  return out;
}
