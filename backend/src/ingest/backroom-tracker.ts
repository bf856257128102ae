import type { Reading } from '@shelfwatch/contracts';

/**
 * Stock that appears on a shelf came from the backroom: a stable rise of the weight-derived
 * units of a slot moves that many units out of the backroom. Rises below MIN_RESTOCK_UNITS
 * are a shopper putting one item back or load-cell jitter, not a restock. The baseline is
 * in memory; after a restart the first reading of a slot only sets it, so nothing is
 * counted twice.
 */
export const MIN_RESTOCK_UNITS = 2;

export class BackroomTracker {
  private readonly lastUnits = new Map<string, number>();

  /** Returns the units moved from the backroom to the shelf by this reading, if any. */
  observe(r: Reading): { storeId: string; sku: string; units: number } | null {
    if (r.kind !== 'shelf.weight' || !r.stable || r.fault !== null) return null;
    const key = `${r.storeId}/${r.slotId}`;
    const before = this.lastUnits.get(key);
    this.lastUnits.set(key, r.units);
    if (before === undefined) return null;
    const rise = r.units - before;
    return rise >= MIN_RESTOCK_UNITS ? { storeId: r.storeId, sku: r.sku, units: rise } : null;
  }
}
