import type { StoreLayout, TaskKind, TaskWithHistory } from '@shelfwatch/contracts';
import { storeLayout } from '@shelfwatch/test-support';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';

export const MIN = 60_000;
export const T0 = Date.UTC(2026, 2, 2, 6, 0, 0);
/** Minutes after T0 as epoch ms. */
export const at = (minutes: number): number => T0 + minutes * MIN;

/** A tiny store: one shelf with two slots on board-1, a chilled door case and a frozen island. */
export const layout: StoreLayout = storeLayout({
  store: { id: 'store-1', name: 'Test store', timezone: 'Europe/Berlin' },
  suppliers: [{ id: 'sup-1', name: 'Supplier' }],
  products: [
    { sku: 'MILK-1L', name: 'Milk', unitWeightG: 1030, category: 'chilled', packSize: 6 },
    { sku: 'PASTA-500', name: 'Pasta', unitWeightG: 500, category: 'ambient', packSize: 12 },
  ],
  shelves: [
    {
      id: 'a1-s1', aisle: 'a1', boardId: 'board-1', calibration: { offsetCounts: 0, countsPerGram: 100 },
      slots: [
        { id: 'a1-s1-1', sku: 'PASTA-500', facings: 2, capacity: 20, reorderPoint: 4 },
        { id: 'a1-s1-2', sku: 'PASTA-500', facings: 2, capacity: 20, reorderPoint: 4 },
      ],
    },
  ],
  cameras: [{ id: 'cam-1', slotIds: ['a1-s1-1', 'a1-s1-2'] }],
  cases: [
    {
      id: 'case-deli', name: 'Deli', aisle: 'c', category: 'chilled', type: 'door', controllerId: 'ctrl-deli', setpointC: 2,
      probes: [{ id: 'probe-deli-air', placement: 'air' }, { id: 'probe-deli-prod', placement: 'product' }], skus: ['MILK-1L'],
    },
    { id: 'case-frozen', name: 'Frozen', aisle: 'c', category: 'frozen', type: 'island', controllerId: 'ctrl-frozen', setpointC: -22, probes: [{ id: 'probe-frozen-air', placement: 'air' }] },
  ],
});

/** A run of `hours` starting at T0: run_start, the given events, run_end. */
export function run(events: GroundTruthEvent[], hours = 24): GroundTruthEvent[] {
  const endMs = T0 + hours * 60 * MIN;
  return [
    { type: 'run_start', ts: T0, storeId: 'store-1', scenario: 'test', seed: 1, startMs: T0, durationS: hours * 3600, stepMs: 1000 },
    ...events,
    { type: 'run_end', ts: endMs, simulatedS: hours * 3600, unitsSold: 0, lostSales: 0 },
  ];
}

const minutes = (s: number, e: number) => Math.round(((e - s) / MIN) * 100) / 100;

export const oos = (slotId: string, startMin: number, endMin: number, openAtEnd = false): GroundTruthEvent => ({
  type: 'out_of_stock', ts: at(endMin), slotId, sku: 'PASTA-500', startMs: at(startMin), endMs: at(endMin), minutes: minutes(at(startMin), at(endMin)), openAtEnd,
});

export const planogram = (slotId: string, startMin: number, endMin: number, violation: 'wrong_product' | 'missing_facings' = 'wrong_product'): GroundTruthEvent => ({
  type: 'planogram_violation', ts: at(endMin), slotId, violation, expectedSku: 'PASTA-500', foundSku: violation === 'wrong_product' ? 'MILK-1L' : 'PASTA-500',
  startMs: at(startMin), endMs: at(endMin), minutes: minutes(at(startMin), at(endMin)), openAtEnd: false,
});

export const atRisk = (caseId: string, startMin: number, endMin: number, opts: { category?: 'chilled' | 'frozen'; peakC?: number } = {}): GroundTruthEvent => {
  const category = opts.category ?? 'chilled';
  return {
    type: 'product_at_risk', ts: at(endMin), caseId, category, limitC: category === 'chilled' ? 5 : -18, peakC: opts.peakC ?? (category === 'chilled' ? 9 : -12),
    startMs: at(startMin), endMs: at(endMin), minutes: minutes(at(startMin), at(endMin)), openAtEnd: false,
  };
};

export const fault = (name: string, target: string, startMin: number, endMin: number): GroundTruthEvent => ({
  type: 'fault', ts: at(endMin), fault: name, target, startMs: at(startMin), endMs: at(endMin), minutes: minutes(at(startMin), at(endMin)), openAtEnd: false, detail: {},
});

export const defrost = (caseId: string, startMin: number, endMin: number): GroundTruthEvent => ({
  type: 'defrost', ts: at(endMin), caseId, startMs: at(startMin), endMs: at(endMin), minutes: minutes(at(startMin), at(endMin)), openAtEnd: false,
});

export const doorOpen = (caseId: string, startMin: number, endMin: number, ajar = false): GroundTruthEvent => ({
  type: 'door_open', ts: at(endMin), caseId, ajar, startMs: at(startMin), endMs: at(endMin), seconds: (endMin - startMin) * 60, openAtEnd: false,
});

let nextId = 1;

/** A task as the backend would return it; only what scoring reads is meaningful. */
export function task(kind: TaskKind, locationKey: string, raisedMin: number, closedMin: number | null = null): TaskWithHistory {
  const id = `t${nextId++}`;
  const raisedAt = at(raisedMin);
  const closedAt = closedMin === null ? null : at(closedMin);
  return {
    id, storeId: 'store-1', kind, severity: 'warning', status: closedAt === null ? 'open' : 'resolved',
    location: { label: locationKey }, locationKey, title: kind, action: 'act', reason: 'test', evidence: [], products: [],
    raisedAt, updatedAt: closedAt ?? raisedAt, acknowledgedAt: null, acknowledgedBy: null, closedAt, closedBy: closedAt === null ? null : 'system',
    note: null, escalationLevel: 0, version: 1,
    history: [{ at: raisedAt, by: 'system', action: 'raised', text: 'raised' }],
  };
}
