import type { StoreLayout } from '@shelfwatch/contracts';
import { storeLayout } from '@shelfwatch/test-support';

/** A small store: one shelf with two slots from two suppliers, one camera, one chilled case. */
export function fixtureLayout(storeId = 'store-1'): StoreLayout {
  return storeLayout({
    store: { id: storeId, name: 'Test Store', timezone: 'Europe/Berlin' },
    suppliers: [{ id: 'dairyco', name: 'DairyCo' }, { id: 'bakery', name: 'Bakery Ltd' }],
    products: [
      { sku: 'MILK-1L', name: 'Oat milk 1 l', unitWeightG: 1040, category: 'chilled', packSize: 6 },
      { sku: 'BREAD-500', name: 'Rye bread 500 g', unitWeightG: 500, category: 'ambient', supplierId: 'bakery', packSize: 10 },
    ],
    shelves: [
      {
        id: 'shelf-3b', aisle: '3', boardId: 'board-3b',
        slots: [
          { id: 'slot-3b-1', sku: 'MILK-1L', facings: 3, capacity: 12, reorderPoint: 4, calibration: { offsetCounts: 1000, countsPerGram: 2 } },
          { id: 'slot-3b-2', sku: 'BREAD-500', facings: 2, capacity: 10, reorderPoint: 3, calibration: { offsetCounts: 900, countsPerGram: 2 } },
        ],
      },
    ],
    cameras: [{ id: 'cam-3', slotIds: ['slot-3b-1', 'slot-3b-2'] }],
    cases: [
      {
        id: 'case-4', name: 'Dairy multideck', aisle: '4', category: 'chilled', type: 'multideck', controllerId: 'ctrl-4', setpointC: 3,
        probes: [{ id: 'probe-4a', placement: 'product' }], skus: ['MILK-1L'],
      },
    ],
  });
}
