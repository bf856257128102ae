import type { Reading, StoreLayout } from '@shelfwatch/contracts';
import { storeLayout } from '@shelfwatch/test-support';
import { createRuleEngine, defaultLimits } from '../../src/rules/index.js';
import type { RuleDecision, RuleEngine, StoreModel } from '../../src/rules/index.js';

export const MIN = 60_000;
export const T0 = Date.UTC(2026, 10, 23, 6, 0, 0);
export const STORE = 'store-1';

/** A small store: one ambient shelf with a camera, a dairy multideck and a freezer island. */
export const layout: StoreLayout = storeLayout({
  store: { id: STORE, name: 'Test Store', timezone: 'Europe/Berlin' },
  suppliers: [{ id: 'sup-a', name: 'Alpen Foods' }, { id: 'sup-b', name: 'Nordic Dairy' }],
  products: [
    { sku: 'CER-1', name: 'Oat flakes 500 g', unitWeightG: 500, category: 'ambient', packSize: 12 },
    { sku: 'MUE-1', name: 'Muesli 750 g', unitWeightG: 750, category: 'ambient', packSize: 6 },
    { sku: 'TEA-1', name: 'Black tea 100 bags', unitWeightG: 250, category: 'ambient', supplierId: 'sup-b', packSize: 10 },
    { sku: 'MILK-1', name: 'Whole milk 1 l', unitWeightG: 1030, category: 'chilled', supplierId: 'sup-b', packSize: 12 },
    { sku: 'YOG-1', name: 'Greek yogurt 500 g', unitWeightG: 520, category: 'chilled', supplierId: 'sup-b', packSize: 8 },
    { sku: 'PEAS-1', name: 'Frozen peas 1 kg', unitWeightG: 1000, category: 'frozen', supplierId: 'sup-b', packSize: 10 },
  ],
  shelves: [
    {
      id: 'shelf-3b', aisle: '3', boardId: 'board-3b',
      slots: [
        { id: 'slot-1', sku: 'CER-1', facings: 3, capacity: 24, reorderPoint: 6 },
        { id: 'slot-2', sku: 'CER-1', facings: 2, capacity: 16, reorderPoint: 4 },
        { id: 'slot-3', sku: 'MUE-1', facings: 2, capacity: 12, reorderPoint: 3 },
        { id: 'slot-4', sku: 'TEA-1', facings: 2, capacity: 20, reorderPoint: 5 },
      ],
    },
  ],
  cameras: [{ id: 'cam-3', slotIds: ['slot-1', 'slot-2', 'slot-3'] }],
  cases: [
    {
      id: 'case-4', name: 'Dairy 4', aisle: '7', category: 'chilled', type: 'multideck', controllerId: 'ctl-4', setpointC: 2,
      probes: [{ id: 'probe-4a', placement: 'air' }, { id: 'probe-4p', placement: 'product' }], skus: ['MILK-1', 'YOG-1'],
    },
    { id: 'case-5', name: 'Dairy 5', aisle: '7', category: 'chilled', type: 'door', controllerId: 'ctl-5', setpointC: 2, skus: ['MILK-1'] },
    {
      id: 'case-9', name: 'Freezer 9', aisle: '9', category: 'frozen', type: 'island', controllerId: 'ctl-9', setpointC: -22,
      probes: [{ id: 'probe-9p', placement: 'product' }], skus: ['PEAS-1'],
    },
  ],
});

/** Rules without the sell-out forecast, for tests of the reorder-point rule whose fast sales would (rightly) make it warn. */
export const NO_FORECAST: Partial<StoreModel> = { forecast: { minEvidenceSales: Number.POSITIVE_INFINITY } };

export function makeEngine(backroom: Record<string, number> = {}, over: Partial<StoreModel> = {}): { engine: RuleEngine; backroom: Record<string, number> } {
  const model: StoreModel = { layout, limits: defaultLimits, backroomUnits: (sku) => backroom[sku] ?? 0, ...over };
  return { engine: createRuleEngine(model), backroom };
}

let seq = 0;
const id = (dev: string) => `${dev}:${++seq}`;
const base = (deviceId: string, ts: number) => ({ id: id(deviceId), storeId: STORE, deviceId, ts });

export function weight(slotId: string, ts: number, units: number, o: { stable?: boolean; grams?: number; fault?: 'saturated' | 'stuck' | null } = {}): Reading {
  const slot = layout.shelves.flatMap((s) => s.slots).find((s) => s.id === slotId)!;
  const unitG = layout.products.find((p) => p.sku === slot.sku)!.unitWeightG;
  const grams = o.grams ?? units * unitG;
  return {
    ...base('board-3b', ts), kind: 'shelf.weight', shelfId: 'shelf-3b', slotId, sku: slot.sku, channel: slot.channel,
    rawCounts: Math.round(grams * 10), grams, units, stable: o.stable ?? true, fault: o.fault ?? null,
  };
}

export function camera(slotId: string, ts: number, o: { sku?: string | null; facings?: number; gap?: boolean; confidence?: number } = {}): Reading {
  const slot = layout.shelves.flatMap((s) => s.slots).find((s) => s.id === slotId)!;
  const gap = o.gap ?? false;
  return {
    ...base('cam-3', ts), kind: 'camera.slot', shelfId: 'shelf-3b', slotId,
    skuSeen: o.sku !== undefined ? o.sku : gap ? null : slot.sku, facings: o.facings ?? (gap ? 0 : slot.facings), gap, confidence: o.confidence ?? 0.9,
  };
}

export function probe(probeId: string, caseId: string, ts: number, tempC: number | null, o: { placement?: 'air' | 'product'; fault?: 'open_circuit' | 'short_circuit' | null } = {}): Reading {
  return {
    ...base(probeId, ts), kind: 'probe.temperature', caseId, placement: o.placement ?? (probeId.endsWith('a') ? 'air' : 'product'),
    tempC, fault: o.fault ?? null, batteryPct: 80, rssiDbm: -70,
  };
}

type Ctl = 'case.air_temperature' | 'case.setpoint' | 'case.defrost' | 'case.door' | 'case.compressor';
export function ctl(caseId: string, ts: number, kind: Ctl, value: number | boolean): Reading {
  const b = { ...base(`ctl-${caseId.split('-')[1]}`, ts), caseId };
  switch (kind) {
    case 'case.air_temperature':
    case 'case.setpoint':
      return { ...b, kind, tempC: value as number };
    case 'case.defrost':
      return { ...b, kind, active: value as boolean };
    case 'case.door':
      return { ...b, kind, open: value as boolean };
    case 'case.compressor':
      return { ...b, kind, running: value as boolean };
  }
}

export function status(deviceId: string, deviceKind: 'weight_board' | 'camera' | 'probe' | 'controller', ts: number, online: boolean): Reading {
  return { ...base(deviceId, ts), kind: 'device.status', deviceKind, online, detail: online ? '' : 'last will' };
}

/**
 * What shelf devices really send between changes: the gateway forwards each slot's weight at
 * least once a minute, and a camera scans every minute. Repeats each weight and camera source's
 * latest reading every minute until its next reading (or `until`).
 */
export function steady(readings: Reading[], until: number): Reading[] {
  const sources = new Map<string, Reading[]>();
  for (const r of readings) {
    const key = r.kind === 'shelf.weight' || r.kind === 'camera.slot' ? `${r.kind}|${r.slotId}` : `other|${r.id}`;
    sources.set(key, [...(sources.get(key) ?? []), r]);
  }
  const out: Reading[] = [];
  for (const [key, list] of sources) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts);
    sorted.forEach((r, i) => {
      out.push(r);
      if (key.startsWith('other|')) return;
      const next = sorted[i + 1]?.ts ?? until + 1;
      for (let ts = r.ts + MIN; ts < next; ts += MIN) out.push({ ...r, id: id(r.deviceId), ts });
    });
  }
  return out;
}

/** Feed readings (sorted by time) with a tick every minute of event time in between. */
export function run(engine: RuleEngine, readings: Reading[], tickUntil?: number): RuleDecision[] {
  const sorted = [...readings].sort((a, b) => a.ts - b.ts);
  const out: RuleDecision[] = [];
  let nextTick = sorted[0] ? Math.ceil(sorted[0].ts / MIN) * MIN : T0;
  for (const r of sorted) {
    while (nextTick < r.ts) {
      out.push(...engine.onTick(nextTick));
      nextTick += MIN;
    }
    out.push(...engine.onReading(r));
  }
  const end = tickUntil ?? sorted[sorted.length - 1]?.ts ?? T0;
  while (nextTick <= end) {
    out.push(...engine.onTick(nextTick));
    nextTick += MIN;
  }
  return out;
}

export type Asserted = Extract<RuleDecision, { type: 'assert' }>;
export const asserts = (ds: RuleDecision[], kind?: string, key?: string) =>
  ds.filter((d): d is Asserted => d.type === 'assert' && (kind === undefined || d.condition.kind === kind) && (key === undefined || d.condition.locationKey === key));
export const clears = (ds: RuleDecision[], kind?: string, key?: string) =>
  ds.filter((d): d is Extract<RuleDecision, { type: 'clear' }> => d.type === 'clear' && (kind === undefined || d.kind === kind) && (key === undefined || d.locationKey === key));

/** Number of tasks a service holding one task per (kind, key) would open. */
export function raises(ds: RuleDecision[], kind: string, key: string): number {
  let open = false;
  let n = 0;
  for (const d of ds) {
    if (d.type === 'assert' && d.condition.kind === kind && d.condition.locationKey === key) {
      if (!open) n += 1;
      open = true;
    } else if (d.type === 'clear' && d.kind === kind && d.locationKey === key) {
      open = false;
    }
  }
  return n;
}
