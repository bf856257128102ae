import type { Condition } from '../../src/rules/types.js';

/** An out-of-stock condition on a slot of the fixture store, as the rules would assert it. */
export const outOfStock = (slot = 'slot-3b-1'): Condition => ({
  storeId: 'store-1',
  kind: 'out_of_stock',
  locationKey: `slot:${slot}`,
  severity: 'warning',
  location: { slotId: slot, label: `slot ${slot}` },
  title: 'Out of stock',
  action: 'Restock',
  reason: 'empty',
  evidence: [],
  products: [],
});
