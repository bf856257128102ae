import type { StoreIndex } from './store-index.js';
import type { RuleTuning } from './defaults.js';
import { fmtTime } from './format.js';
import type { RuleDecision } from './types.js';

export interface ReplenishContext {
  index: StoreIndex;
  /** Units of a SKU in the backroom, as of the rules' event time. */
  backroomUnits: (sku: string) => number;
  tuning: RuleTuning;
  /** Trusted units on the shelf for a slot, or null when unknown. */
  unitsOf: (slotId: string) => number | null;
  /** Units of a SKU the store expects to sell before its trading day ends, and when it ends (null: no confident pace). */
  salesToClose?: (sku: string, now: number) => { units: number; closesAt: number } | null;
}

/** A SKU whose shelf plus backroom will not last the day at the pace it sells. */
interface Short {
  units: number;
  closesAt: number;
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
 * (summed over its slots), or earlier, when the sell-out forecast expects the SKU to sell more
 * before the store closes than shelf and backroom hold (a delivery asked for at 14:00 can still
 * come today; one asked for at the reorder point at 20:00 comes after the empty evening). One
 * request per supplier, batching that supplier's other SKUs that are close to their reorder
 * point, and at most once per SKU until its stock recovers.
 */
export class ReplenishRule {
  /** SKUs asked for, with the total (shelf plus backroom) at which their stock has recovered. */
  private readonly requested = new Map<string, number>();

  constructor(private readonly ctx: ReplenishContext) {}

  isRequested(sku: string): boolean {
    return this.requested.has(sku);
  }

  /**
   * Judges the given SKUs (a reading touched them) or, without `skus`, every SKU: the once-a-
   * minute judgement, which alone asks the forecast (a pace moves over minutes, not readings).
   */
  evaluate(now: number, skus?: Iterable<string>): RuleDecision[] {
    const { index } = this.ctx;
    const candidates = skus ? [...new Set(skus)] : [...new Set([...index.slots.values()].map((s) => s.slot.sku))];
    const trigger = new Set<string>();
    const short = new Map<string, Short>();
    for (const sku of candidates) {
      const st = this.stock(sku);
      if (!st) continue;
      const product = index.product(sku);
      const total = st.shelf + st.backroom;
      const recovered = this.requested.get(sku);
      if (recovered !== undefined) {
        if (total >= recovered) this.requested.delete(sku);
        continue;
      }
      if (!product) continue;
      if (total < st.reorderPoint) {
        trigger.add(product.supplierId);
        continue;
      }
      const toClose = skus ? null : (this.ctx.salesToClose?.(sku, now) ?? null);
      if (toClose !== null && toClose.units > total) {
        short.set(sku, toClose);
        trigger.add(product.supplierId);
      }
    }
    const out: RuleDecision[] = [];
    for (const supplierId of trigger) out.push(...this.request(now, supplierId, short));
    return out;
  }

  private request(now: number, supplierId: string, short: ReadonlyMap<string, Short>): RuleDecision[] {
    const { index, tuning } = this.ctx;
    const lines: { sku: string; quantity: number; packs: number }[] = [];
    const why: string[] = [];
    let belowReorder = false;
    for (const p of index.layout.products) {
      if (p.supplierId !== supplierId || this.requested.has(p.sku)) continue;
      const st = this.stock(p.sku);
      if (!st) continue;
      const total = st.shelf + st.backroom;
      const s = short.get(p.sku);
      belowReorder ||= total < st.reorderPoint;
      if (!s && (total >= st.reorderPoint * tuning.replenishBatchFactor || total >= st.capacity)) continue;
      // Enough to fill the shelf, and for a SKU short today also to cover what it is expected to sell.
      const need = Math.max(st.capacity, s ? Math.ceil(s.units) : 0) - total;
      const packs = Math.max(1, Math.ceil(need / p.packSize));
      lines.push({ sku: p.sku, quantity: packs * p.packSize, packs });
      const stock = `${p.name}: ${st.shelf} on the shelf + ${st.backroom} in the backroom = ${total}`;
      why.push(s ? `${stock}, about ${Math.round(s.units)} expected to sell before closing at ${fmtTime(s.closesAt)}` : `${stock}, reorder point ${st.reorderPoint}`);
      const margin = Math.max(2, Math.ceil(p.packSize / 2));
      // Recovered: a delivery has come in (a short SKU may still be above its reorder point when asked for).
      this.requested.set(p.sku, Math.max(st.reorderPoint, s ? total : 0) + margin);
    }
    if (lines.length === 0) return [];
    const headline = belowReorder ? 'Shelf plus backroom cannot cover the reorder point' : 'Shelf plus backroom will not last until closing at the pace it sells';
    return [{ type: 'replenish', at: now, storeId: index.storeId, supplierId, lines, reason: `${headline}. ${why.join('; ')}` }];
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
