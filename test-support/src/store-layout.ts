import { StoreLayout, type ChannelCalibration, type Product, type RefrigeratedCase, type Shelf, type Slot } from '@shelfwatch/contracts';

/**
 * Store layouts for tests, written as only what a test cares about. Every test fixture of a
 * store goes through `storeLayout()`, so a layout change (a new required field, a stricter
 * rule) is made here once, and every fixture is checked by the contracts schema: a fixture
 * that the services would refuse fails where it is built, not deep inside a test.
 */

/** A product; the supplier defaults to the layout's first supplier. */
export type ProductSpec = Omit<Product, 'supplierId'> & { supplierId?: string };

/** A slot; its channel defaults to its position on the shelf, its calibration to the shelf's. */
export type SlotSpec = Omit<Slot, 'channel' | 'calibration'> & { channel?: number; calibration?: ChannelCalibration };

export interface ShelfSpec extends Omit<Shelf, 'slots'> {
  /** The calibration of every slot that names none. */
  calibration?: ChannelCalibration;
  slots: SlotSpec[];
}

/** A refrigerated case; it has no probes and stocks nothing unless told. */
export type CaseSpec = Omit<RefrigeratedCase, 'probes' | 'skus'> & Partial<Pick<RefrigeratedCase, 'probes' | 'skus'>>;

export interface StoreLayoutSpec {
  store: StoreLayout['store'];
  suppliers: StoreLayout['suppliers'];
  products: ProductSpec[];
  shelves?: ShelfSpec[];
  cameras?: StoreLayout['cameras'];
  cases?: CaseSpec[];
}

const DEFAULT_CALIBRATION: ChannelCalibration = { offsetCounts: 0, countsPerGram: 10 };

/** A valid store layout from a spec (throws the schema's error for an invalid one). */
export function storeLayout(spec: StoreLayoutSpec): StoreLayout {
  const supplierId = spec.suppliers[0]?.id;
  return StoreLayout.parse({
    store: spec.store,
    suppliers: spec.suppliers,
    products: spec.products.map((p) => ({ ...p, supplierId: p.supplierId ?? supplierId })),
    shelves: (spec.shelves ?? []).map(({ calibration = DEFAULT_CALIBRATION, slots, ...shelf }) => ({
      ...shelf,
      slots: slots.map((slot, i) => ({ ...slot, channel: slot.channel ?? i, calibration: slot.calibration ?? calibration })),
    })),
    cameras: spec.cameras ?? [],
    cases: (spec.cases ?? []).map((c) => ({ probes: [], skus: [], ...c })),
  });
}
