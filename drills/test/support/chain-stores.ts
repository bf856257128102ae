import type { Reading } from '@shelfwatch/contracts';
import fc from 'fast-check';

/**
 * The stores of a chain drill, pure: a deterministic (seeded) stream of what each store's
 * devices report, minute by minute, with the tasks and supplier requests that stream must give.
 * Every store has the test store's floor (test-support `testLayout(storeId)`: one shelf of two
 * slots weighed by a board and watched by a camera, one chilled case with an air and a product
 * probe and a controller); what happens in it (when a slot sells out, whether and when a case's
 * refrigeration fails) is drawn from the seed, per store.
 */

/** The supplier of every product in the test store's layout. */
export const CHAIN_SUPPLIER = 'sup-1';
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

function storeIdOf(i: number): string {
  return `store-${String(i + 1).padStart(3, '0')}`;
}

/** `count` stores' plans from `seed` (fast-check's generator, so the same seed gives the same chain). */
export function planStores(count: number, seed: number): StorePlan[] {
  const draw = fc.record({ emptyAt: fc.integer({ min: 3, max: 8 }), warms: fc.boolean(), warmFrom: fc.integer({ min: 2, max: 6 }) });
  return fc.sample(draw, { seed, numRuns: count }).map((d, i) => ({ storeId: storeIdOf(i), emptyAt: d.emptyAt, warmFrom: d.warms ? d.warmFrom : null }));
}

/** The test store's slots with their scales' calibration (raw counts = offset + grams × counts per gram). */
const SLOTS = [
  { slotId: 'slot-a', sku: 'SKU-BEANS', unitWeightG: 400, channel: 0, full: 10, offsetCounts: 1000, countsPerGram: 100 },
  { slotId: 'slot-b', sku: 'SKU-MILK', unitWeightG: 1030, channel: 1, full: 8, offsetCounts: -500, countsPerGram: 50 },
] as const;

/** The case's air and product temperatures at a minute: steady at 3 °C, or after a failure the air climbs 1 °C/min to 12 °C and the product lags at 0.3 °C/min. */
function temperatures(plan: StorePlan, minute: number): { air: number; product: number } {
  const since = plan.warmFrom === null ? 0 : Math.max(0, minute - plan.warmFrom);
  return { air: Math.min(12, 3 + since), product: Math.min(11, 3.5 + 0.3 * since) };
}

/** Readings of one store's minute: two weights, two camera scans, two probes, the controller's air. */
export const READINGS_PER_STORE_MINUTE = 7;

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
    out.push({ kind: 'shelf.weight', id: `${storeId}:board-1:${minute}:ch${s.channel}`, storeId, deviceId: 'board-1', ts, shelfId: 'shelf-1', slotId: s.slotId, sku: s.sku, channel: s.channel, rawCounts: s.offsetCounts + grams * s.countsPerGram, grams, units, stable: true, fault: null });
    out.push({ kind: 'camera.slot', id: `${storeId}:cam-1:${minute}:${s.slotId}`, storeId, deviceId: 'cam-1', ts: ts + 1_000, shelfId: 'shelf-1', slotId: s.slotId, skuSeen: units ? s.sku : null, facings: units ? 2 : 0, gap: units === 0, confidence: 0.95 });
  }
  const { air, product } = temperatures(plan, minute);
  const probe = (deviceId: string, placement: 'air' | 'product', tempC: number, at: number): Reading => ({ kind: 'probe.temperature', id: `${storeId}:${deviceId}:${minute}`, storeId, deviceId, ts: at, caseId: 'case-1', placement, tempC, fault: null, batteryPct: 90, rssiDbm: -60 });
  out.push(probe('probe-1', 'air', air, ts + 2_000), probe('probe-2', 'product', product, ts + 2_500));
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
