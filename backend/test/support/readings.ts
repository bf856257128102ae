import type { ReadingOf } from '@shelfwatch/contracts';

let seq = 0;

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
