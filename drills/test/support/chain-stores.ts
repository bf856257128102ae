import type { Reading, StoreLayout } from '@shelfwatch/contracts';
import { storeLayout } from '@shelfwatch/test-support';
import fc from 'fast-check';

/**
 * The stores of a chain drill, pure: each store's layout and a deterministic (seeded) stream of
 * what its devices report, minute by minute, with the tasks and supplier requests that stream
 * must give. Every store has the same small floor (one shelf of two slots weighed by a board
 * and watched by a camera, one chilled case with a product probe and a controller); what
 * happens in it (when a slot sells out, whether and when a case's refrigeration fails) is
 * drawn from the seed, per store.
 */

export const CHAIN_SUPPLIER = 'sup-chain';
const MIN = 60_000;

/** What happens in one store, drawn from the seed. */
export interface StorePlan {
  storeId: string;
  /** The minute slot-a is emptied (a shopper takes the last units): out of stock, and the supplier is asked. */
  emptyAt: number;
  /** The minute the case's refrigeration fails (air climbs, the product follows): a temperature excursion. Null: it holds. */
  warmFrom: number | null;
}

/** A task a store's stream must raise, by kind and location key, and the status it must end in. */
export interface ExpectedTask {
  storeId: string;
  kind: string;
  locationKey: string;
  status: string;
}

export function storeIdOf(i: number): string {
  return `store-${String(i + 1).padStart(3, '0')}`;
}

/** `count` stores' plans from `seed` (fast-check's generator, so the same seed gives the same chain). */
export function planStores(count: number, seed: number): StorePlan[] {
  const draw = fc.record({ emptyAt: fc.integer({ min: 3, max: 8 }), warms: fc.boolean(), warmFrom: fc.integer({ min: 2, max: 6 }) });
  return fc.sample(draw, { seed, numRuns: count }).map((d, i) => ({ storeId: storeIdOf(i), emptyAt: d.emptyAt, warmFrom: d.warms ? d.warmFrom : null }));
}

export function chainStoreLayout(storeId: string): StoreLayout {
  return storeLayout({
    store: { id: storeId, name: `Chain store ${storeId}`, timezone: 'Europe/Berlin' },
    suppliers: [{ id: CHAIN_SUPPLIER, name: 'Chain supplier' }],
    products: [
      { sku: 'SKU-BEANS', name: 'Beans 400 g', unitWeightG: 400, category: 'ambient', packSize: 12 },
      { sku: 'SKU-MILK', name: 'Milk 1 l', unitWeightG: 1030, category: 'chilled', packSize: 6 },
    ],
    shelves: [
      {
        id: 'shelf-1', aisle: '3', boardId: 'board-1',
        slots: [
          { id: 'slot-a', sku: 'SKU-BEANS', facings: 2, capacity: 20, reorderPoint: 5 },
          { id: 'slot-b', sku: 'SKU-MILK', facings: 2, capacity: 12, reorderPoint: 3 },
        ],
      },
    ],
    cameras: [{ id: 'cam-1', slotIds: ['slot-a', 'slot-b'] }],
    cases: [
      { id: 'case-1', name: 'Dairy', aisle: '5', category: 'chilled', type: 'multideck', controllerId: 'ctrl-1', setpointC: 3, probes: [{ id: 'probe-1', placement: 'product' }], skus: ['SKU-MILK'] },
    ],
  });
}

const SLOTS = [
  { slotId: 'slot-a', sku: 'SKU-BEANS', unitWeightG: 400, channel: 0, full: 10 },
  { slotId: 'slot-b', sku: 'SKU-MILK', unitWeightG: 1030, channel: 1, full: 8 },
] as const;

/** The case's air and product temperatures at a minute: steady at 3 °C, or after a failure the air climbs 1 °C/min to 12 °C and the product lags at 0.3 °C/min. */
function temperatures(plan: StorePlan, minute: number): { air: number; product: number } {
  const since = plan.warmFrom === null ? 0 : Math.max(0, minute - plan.warmFrom);
  return { air: Math.min(12, 3 + since), product: Math.min(11, 3.5 + 0.3 * since) };
}

/**
 * Everything a store's devices report in one minute (`t0` is minute 0), as the gateway makes
 * readings of it. Ids are unique across the chain and stable, so a re-sent reading is the same one.
 */
export function storeMinute(plan: StorePlan, t0: number, minute: number): Reading[] {
  const { storeId } = plan;
  const ts = t0 + minute * MIN;
  const out: Reading[] = [];
  for (const s of SLOTS) {
    const units = s.slotId === 'slot-a' && minute >= plan.emptyAt ? 0 : s.full;
    const grams = units * s.unitWeightG;
    out.push({ kind: 'shelf.weight', id: `${storeId}:board-1:${minute}:ch${s.channel}`, storeId, deviceId: 'board-1', ts, shelfId: 'shelf-1', slotId: s.slotId, sku: s.sku, channel: s.channel, rawCounts: grams * 10, grams, units, stable: true, fault: null });
    out.push({ kind: 'camera.slot', id: `${storeId}:cam-1:${minute}:${s.slotId}`, storeId, deviceId: 'cam-1', ts: ts + 1_000, shelfId: 'shelf-1', slotId: s.slotId, skuSeen: units ? s.sku : null, facings: units ? 2 : 0, gap: units === 0, confidence: 0.95 });
  }
  const { air, product } = temperatures(plan, minute);
  out.push({ kind: 'probe.temperature', id: `${storeId}:probe-1:${minute}`, storeId, deviceId: 'probe-1', ts: ts + 2_000, caseId: 'case-1', placement: 'product', tempC: product, fault: null, batteryPct: 90, rssiDbm: -60 });
  out.push({ kind: 'case.air_temperature', id: `${storeId}:ctrl-1:${minute}`, storeId, deviceId: 'ctrl-1', ts: ts + 3_000, caseId: 'case-1', tempC: air });
  return out;
}

/**
 * The tasks a store's whole stream raises (each once, whatever the delivery): the emptied slot
 * first shows its reorder point (low stock, which the out-of-stock task then supersedes), and a
 * failed case's product passes the 8 °C ceiling.
 */
export function expectedTasks(plan: StorePlan): ExpectedTask[] {
  const { storeId } = plan;
  const tasks = [
    { storeId, kind: 'low_stock', locationKey: 'slot:slot-a', status: 'resolved' },
    { storeId, kind: 'out_of_stock', locationKey: 'slot:slot-a', status: 'open' },
  ];
  if (plan.warmFrom !== null) tasks.push({ storeId, kind: 'temperature_excursion', locationKey: 'case:case-1', status: 'open' });
  return tasks;
}
