import { z } from 'zod';
import { CaseId, DeviceId, Id, ShelfId, Sku, SlotId, StoreId, SupplierId } from './ids.js';

/**
 * The physical layout of one store: what is where and which device watches it. The
 * simulator builds its store from it, the gateway maps channels and topics with it, and
 * the backend seeds products, planograms and cases from it. Credentials and webhook
 * secrets are NOT here: they live in a separate secrets file or the environment.
 */
export const ProductCategory = z.enum(['chilled', 'frozen', 'ambient']);
export type ProductCategory = z.infer<typeof ProductCategory>;

export const Product = z
  .object({
    sku: Sku,
    name: z.string().min(1).max(120),
    unitWeightG: z.number().positive().max(50_000),
    category: ProductCategory,
    supplierId: SupplierId,
    packSize: z.number().int().positive().max(1000),
  })
  .strict();
export type Product = z.infer<typeof Product>;

export const Supplier = z.object({ id: SupplierId, name: z.string().min(1).max(120) }).strict();

/** Installer's calibration of one load-cell channel: grams = (counts - offsetCounts) / countsPerGram. */
export const ChannelCalibration = z
  .object({
    offsetCounts: z.number().int(),
    countsPerGram: z.number().refine((v) => Math.abs(v) >= 1e-3 && Math.abs(v) <= 1e4, 'counts per gram out of range'),
  })
  .strict();
export type ChannelCalibration = z.infer<typeof ChannelCalibration>;

/** A slot's fields, for schemas that take a slot in another form (a planogram import). */
export const SLOT_FIELDS = {
  id: SlotId,
  channel: z.number().int().min(0).max(63),
  sku: Sku,
  facings: z.number().int().positive().max(50),
  capacity: z.number().int().positive().max(1000),
  reorderPoint: z.number().int().min(0),
  calibration: ChannelCalibration,
};

/** A slot restocked at its reorder point must have room above it. */
export function reorderPointBelowCapacity<T extends z.ZodType<{ reorderPoint: number; capacity: number }>>(schema: T): T {
  return schema.refine((s) => s.reorderPoint < s.capacity, { message: 'reorderPoint must be below capacity', path: ['reorderPoint'] });
}

export const Slot = reorderPointBelowCapacity(z.object(SLOT_FIELDS).strict());
export type Slot = z.infer<typeof Slot>;

export const Shelf = z
  .object({
    id: ShelfId,
    aisle: z.string().min(1).max(20),
    /** The serial weight board under this shelf. */
    boardId: DeviceId,
    slots: z.array(Slot).min(1).max(64),
  })
  .strict();
export type Shelf = z.infer<typeof Shelf>;

export const Camera = z
  .object({
    id: DeviceId,
    /** Slots in view. */
    slotIds: z.array(SlotId).min(1).max(200),
  })
  .strict();

export const CaseType = z.enum(['multideck', 'door', 'island']);
export const Probe = z.object({ id: DeviceId, placement: z.enum(['air', 'product']) }).strict();

export const RefrigeratedCase = z
  .object({
    id: CaseId,
    name: z.string().min(1).max(80),
    aisle: z.string().min(1).max(20),
    category: z.enum(['chilled', 'frozen']),
    type: CaseType,
    controllerId: DeviceId,
    setpointC: z.number().min(-40).max(15),
    probes: z.array(Probe).max(8),
    /** What is stocked in the case: the products a spoilage task names. */
    skus: z.array(Sku).max(200),
  })
  .strict();
export type RefrigeratedCase = z.infer<typeof RefrigeratedCase>;

export const StoreLayout = z
  .object({
    store: z
      .object({
        id: StoreId,
        name: z.string().min(1).max(120),
        timezone: z.string().min(1).max(64),
        /** Local closing time, HH:MM: when the trading day ends for the forecast (the rules assume 22:00 without it). */
        closesAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'closing time as HH:MM (00:00-23:59)').optional(),
        /** Local opening time, HH:MM: with closesAt, the sell-out forecast expects no sales while the store is closed. */
        opensAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'opening time as HH:MM (00:00-23:59)').optional(),
      })
      .strict(),
    suppliers: z.array(Supplier),
    products: z.array(Product).min(1),
    shelves: z.array(Shelf),
    cameras: z.array(Camera),
    cases: z.array(RefrigeratedCase),
  })
  .strict()
  .superRefine((layout, ctx) => {
    const skus = new Set(layout.products.map((p) => p.sku));
    const suppliers = new Set(layout.suppliers.map((s) => s.id));
    layout.products.forEach((p, i) => {
      if (!suppliers.has(p.supplierId)) {
        ctx.addIssue({ code: 'custom', path: ['products', i, 'supplierId'], message: `unknown supplier '${p.supplierId}'` });
      }
    });
    const deviceIds = new Map<string, string>();
    const claim = (id: string, path: (string | number)[], what: string) => {
      const prior = deviceIds.get(id);
      if (prior !== undefined && prior !== what) {
        ctx.addIssue({ code: 'custom', path, message: `device id '${id}' already used by ${prior}` });
      }
      deviceIds.set(id, what);
    };
    const slotIds = new Set<string>();
    const shelfIds = new Set<string>();
    layout.shelves.forEach((shelf, si) => {
      if (shelfIds.has(shelf.id)) ctx.addIssue({ code: 'custom', path: ['shelves', si, 'id'], message: `duplicate shelf '${shelf.id}'` });
      shelfIds.add(shelf.id);
      claim(shelf.boardId, ['shelves', si, 'boardId'], `board of shelf ${shelf.id}`);
      const channels = new Set<number>();
      shelf.slots.forEach((slot, i) => {
        const path = ['shelves', si, 'slots', i];
        if (slotIds.has(slot.id)) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `duplicate slot '${slot.id}'` });
        slotIds.add(slot.id);
        if (channels.has(slot.channel)) ctx.addIssue({ code: 'custom', path: [...path, 'channel'], message: `channel ${slot.channel} used twice on this board` });
        channels.add(slot.channel);
        if (!skus.has(slot.sku)) ctx.addIssue({ code: 'custom', path: [...path, 'sku'], message: `unknown sku '${slot.sku}'` });
      });
    });
    layout.cameras.forEach((camera, ci) => {
      claim(camera.id, ['cameras', ci, 'id'], `camera ${camera.id}`);
      camera.slotIds.forEach((slotId, i) => {
        if (!slotIds.has(slotId)) ctx.addIssue({ code: 'custom', path: ['cameras', ci, 'slotIds', i], message: `unknown slot '${slotId}'` });
      });
    });
    const caseIds = new Set<string>();
    layout.cases.forEach((c, ci) => {
      if (caseIds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cases', ci, 'id'], message: `duplicate case '${c.id}'` });
      caseIds.add(c.id);
      claim(c.controllerId, ['cases', ci, 'controllerId'], `controller of case ${c.id}`);
      c.probes.forEach((p, pi) => claim(p.id, ['cases', ci, 'probes', pi, 'id'], `probe ${p.id}`));
      c.skus.forEach((sku, i) => {
        if (!skus.has(sku)) ctx.addIssue({ code: 'custom', path: ['cases', ci, 'skus', i], message: `unknown sku '${sku}'` });
      });
    });
  });
export type StoreLayout = z.infer<typeof StoreLayout>;

export type DeviceKind = 'weight_board' | 'camera' | 'probe' | 'controller';

export interface DeviceRef {
  id: string;
  kind: DeviceKind;
}

/** Every device of a layout, each once. */
export function layoutDevices(layout: StoreLayout): DeviceRef[] {
  return [
    ...layout.shelves.map((s) => ({ id: s.boardId, kind: 'weight_board' as const })),
    ...layout.cameras.map((c) => ({ id: c.id, kind: 'camera' as const })),
    ...layout.cases.flatMap((c) => c.probes.map((p) => ({ id: p.id, kind: 'probe' as const }))),
    ...layout.cases.map((c) => ({ id: c.controllerId, kind: 'controller' as const })),
  ];
}

/** Device credentials (demo: config/demo/secrets.demo.json; production: a file or env the operator provides). */
export const DeviceCredentials = z.record(Id, z.object({ password: z.string().min(8).max(200) }).strict());
export type DeviceCredentials = z.infer<typeof DeviceCredentials>;
