import type { StoreLayout } from '@shelfwatch/contracts';
import { Rng } from '../world/rng.js';
import type { GeneratedLayoutSpec } from './schema.js';

const CASE_KINDS = [
  { type: 'multideck', category: 'chilled', setpointC: 3 },
  { type: 'door', category: 'chilled', setpointC: 3 },
  { type: 'door', category: 'frozen', setpointC: -21 },
  { type: 'island', category: 'frozen', setpointC: -21 },
] as const;

/**
 * A store layout from a compact spec (the large-store load scenario): aisles of shelves
 * of slots, cameras over consecutive slots, cases with an air probe then product probes.
 * Deterministic: the same spec always gives the same layout.
 */
export function generateLayout(spec: GeneratedLayoutSpec): StoreLayout {
  const rng = new Rng(1, `layout:${spec.storeId}`);
  const suppliers = Array.from({ length: spec.suppliers }, (_, i) => ({ id: `sup-${i + 1}`, name: `Supplier ${i + 1}` }));
  const categories = ['ambient', 'ambient', 'ambient', 'chilled', 'frozen'] as const;
  const products = Array.from({ length: spec.products }, (_, i) => ({
    sku: `SKU-${String(i + 1).padStart(5, '0')}`,
    name: `Product ${i + 1}`,
    unitWeightG: Math.round(rng.uniform(80, 1500)),
    category: categories[i % categories.length]!,
    supplierId: suppliers[i % suppliers.length]!.id,
    packSize: rng.pick([6, 8, 10, 12, 24]),
  }));
  const shelfProducts = products.filter((p) => p.category === 'ambient');
  const pool = shelfProducts.length > 0 ? shelfProducts : products;
  let productIndex = 0;
  const shelves: StoreLayout['shelves'] = [];
  for (let a = 1; a <= spec.aisles; a++) {
    for (let s = 1; s <= spec.shelvesPerAisle; s++) {
      const shelfId = `a${a}-s${s}`;
      shelves.push({
        id: shelfId,
        aisle: String(a),
        boardId: `board-${shelfId}`,
        slots: Array.from({ length: spec.slotsPerShelf }, (_, c) => {
          const product = pool[productIndex++ % pool.length]!;
          const facings = rng.int(2, 5);
          const capacity = facings * rng.int(3, 8);
          return {
            id: `${shelfId}-${c + 1}`,
            channel: c,
            sku: product.sku,
            facings,
            capacity,
            reorderPoint: Math.max(1, Math.floor(capacity / 4)),
            // Keep a full slot well inside the 24-bit range, as an installer picks the cell and gain.
            calibration: {
              offsetCounts: rng.int(-60_000, 60_000),
              countsPerGram: Math.round(Math.min(rng.uniform(80, 420), 7_000_000 / (capacity * product.unitWeightG * 1.5)) * 100) / 100,
            },
          };
        }),
      });
    }
  }
  const allSlots = shelves.flatMap((s) => s.slots.map((slot) => slot.id));
  const cameras = Array.from({ length: spec.cameras }, (_, i) => {
    const start = (i * spec.slotsPerCamera) % Math.max(1, allSlots.length);
    const slotIds = allSlots.slice(start, start + spec.slotsPerCamera);
    return { id: `cam-${i + 1}`, slotIds: slotIds.length > 0 ? slotIds : allSlots.slice(0, spec.slotsPerCamera) };
  }).filter((c) => c.slotIds.length > 0);
  const coldSkus = (category: 'chilled' | 'frozen') => products.filter((p) => p.category === category).map((p) => p.sku);
  const cases = Array.from({ length: spec.cases }, (_, i) => {
    const kind = CASE_KINDS[i % CASE_KINDS.length]!;
    const id = `case-${i + 1}`;
    return {
      id,
      name: `Case ${i + 1} (${kind.category} ${kind.type})`,
      aisle: `C${Math.floor(i / 10) + 1}`,
      category: kind.category,
      type: kind.type,
      controllerId: `ctl-${id}`,
      setpointC: kind.setpointC,
      probes: Array.from({ length: spec.probesPerCase }, (_, p) => ({ id: `probe-${id}-${p + 1}`, placement: p === 0 ? ('air' as const) : ('product' as const) })),
      skus: coldSkus(kind.category).slice(0, 5),
    };
  });
  return {
    store: { id: spec.storeId, name: spec.name, timezone: spec.timezone },
    suppliers,
    products,
    shelves,
    cameras,
    cases,
  };
}
