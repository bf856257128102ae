import type { StoreIndex } from './store-index.js';
import type { RuleTuning } from './defaults.js';
import type { RuleDecision } from './types.js';

export interface ReplenishContext {
  index: StoreIndex;
  /** Units of a SKU in the backroom, as of the rules' event time. */
  backroomUnits: (sku: string) => number;
  tuning: RuleTuning;
  /** Trusted units on the shelf for a slot, or null when unknown. */
  unitsOf: (slotId: string) => number | null;
}

interface SkuStock {
  sku: string;
  shelf: number;
  backroom: number;
  reorderPoint: number;
  capacity: number;
}

/**
 * Asks a supplier for stock when shelf plus backroom cannot cover a SKU's reorder point
 * (summed over its slots): one request per supplier, batching that supplier's other SKUs
 * that are close to their reorder point, and at most once per SKU until its stock recovers.
 */
export class ReplenishRule {
  private readonly requested = new Set<string>();

  constructor(private readonly ctx: ReplenishContext) {}

  isRequested(sku: string): boolean {
    return this.requested.has(sku);
  }

  evaluate(now: number, skus?: Iterable<string>): RuleDecision[] {
    const { index } = this.ctx;
    const candidates = skus ? [...new Set(skus)] : [...new Set([...index.slots.values()].map((s) => s.slot.sku))];
    const trigger = new Set<string>();
    for (const sku of candidates) {
      const st = this.stock(sku);
      if (!st) continue;
      const product = index.product(sku);
      const total = st.shelf + st.backroom;
      if (this.requested.has(sku)) {
        const margin = Math.max(2, Math.ceil((product?.packSize ?? 1) / 2));
        if (total >= st.reorderPoint + margin) this.requested.delete(sku);
        continue;
      }
      if (total < st.reorderPoint && product) trigger.add(product.supplierId);
    }
    const out: RuleDecision[] = [];
    for (const supplierId of trigger) out.push(...this.request(now, supplierId));
    return out;
  }

  private request(now: number, supplierId: string): RuleDecision[] {
    const { index, tuning } = this.ctx;
    const lines: { sku: string; quantity: number; packs: number }[] = [];
    const why: string[] = [];
    for (const p of index.layout.products) {
      if (p.supplierId !== supplierId || this.requested.has(p.sku)) continue;
      const st = this.stock(p.sku);
      if (!st) continue;
      const total = st.shelf + st.backroom;
      if (total >= st.reorderPoint * tuning.replenishBatchFactor || total >= st.capacity) continue;
      const packs = Math.max(1, Math.ceil((st.capacity - total) / p.packSize));
      lines.push({ sku: p.sku, quantity: packs * p.packSize, packs });
      why.push(`${p.name}: ${st.shelf} on the shelf + ${st.backroom} in the backroom = ${total}, reorder point ${st.reorderPoint}`);
      this.requested.add(p.sku);
    }
    if (lines.length === 0) return [];
    return [{ type: 'replenish', at: now, storeId: index.storeId, supplierId, lines, reason: `Shelf plus backroom cannot cover the reorder point. ${why.join('; ')}` }];
  }

  private stock(sku: string): SkuStock | null {
    const slots = this.ctx.index.slotsOfSku(sku);
    if (slots.length === 0) return null;
    let shelf = 0;
    let reorderPoint = 0;
    let capacity = 0;
    for (const s of slots) {
      const u = this.ctx.unitsOf(s.slot.id);
      if (u === null) return null;
      shelf += u;
      reorderPoint += s.slot.reorderPoint;
      capacity += s.slot.capacity;
    }
    return { sku, shelf, backroom: Math.max(0, this.ctx.backroomUnits(sku)), reorderPoint, capacity };
  }
}
