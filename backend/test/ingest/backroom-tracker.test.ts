import { describe, expect, it } from 'vitest';
import { BackroomTracker } from '../../src/ingest/backroom-tracker.js';
import { weight } from '../support/readings.js';

describe('BackroomTracker', () => {
  it('counts a stable rise of at least two units as a restock from the backroom', () => {
    const t = new BackroomTracker();
    expect(t.observe(weight(1, 2))).toBeNull(); // baseline
    expect(t.observe(weight(2, 10))).toEqual({ storeId: 'store-1', sku: 'MILK-1L', units: 8 });
    expect(t.observe(weight(3, 9))).toBeNull(); // a sale
  });

  it('ignores one item put back, unstable readings and faults', () => {
    const t = new BackroomTracker();
    t.observe(weight(1, 5));
    expect(t.observe(weight(2, 6))).toBeNull();
    expect(t.observe({ ...weight(3, 12), stable: false })).toBeNull();
    expect(t.observe({ ...weight(4, 12), fault: 'saturated' })).toBeNull();
    expect(t.observe(weight(5, 12))).toEqual({ storeId: 'store-1', sku: 'MILK-1L', units: 6 });
  });
});
