import { layoutDevices } from '@shelfwatch/contracts';
import type { DeviceRef, Product, RefrigeratedCase, Shelf, Slot, StoreLayout, TaskLocation } from '@shelfwatch/contracts';

export interface SlotRef {
  shelf: Shelf;
  slot: Slot;
  product: Product | null;
  key: string;
}

export interface ProbeRef {
  caseDef: RefrigeratedCase;
  placement: 'air' | 'product';
}

/** Lookups and human labels over one store's layout (built once per engine). */
export class StoreIndex {
  readonly storeId: string;
  readonly slots = new Map<string, SlotRef>();
  readonly shelves = new Map<string, Shelf>();
  readonly cases = new Map<string, RefrigeratedCase>();
  readonly probes = new Map<string, ProbeRef>();
  readonly controllers = new Map<string, RefrigeratedCase>();
  readonly boards = new Map<string, Shelf>();
  readonly cameras = new Map<string, string[]>();
  /** Every device of the layout, each once. */
  readonly devices: DeviceRef[];
  readonly deviceIds: ReadonlySet<string>;
  private readonly products = new Map<string, Product>();
  private readonly bySku = new Map<string, SlotRef[]>();

  constructor(readonly layout: StoreLayout) {
    this.storeId = layout.store.id;
    for (const p of layout.products) this.products.set(p.sku, p);
    for (const shelf of layout.shelves) {
      this.shelves.set(shelf.id, shelf);
      this.boards.set(shelf.boardId, shelf);
      for (const slot of shelf.slots) {
        const ref = { shelf, slot, product: this.products.get(slot.sku) ?? null, key: `slot:${slot.id}` };
        this.slots.set(slot.id, ref);
        this.bySku.set(slot.sku, [...(this.bySku.get(slot.sku) ?? []), ref]);
      }
    }
    for (const c of layout.cases) {
      this.cases.set(c.id, c);
      this.controllers.set(c.controllerId, c);
      for (const p of c.probes) this.probes.set(p.id, { caseDef: c, placement: p.placement });
    }
    for (const cam of layout.cameras) this.cameras.set(cam.id, cam.slotIds);
    this.devices = layoutDevices(layout);
    this.deviceIds = new Set(this.devices.map((d) => d.id));
  }

  /** Slots a shelf board or camera reports on. */
  slotsOfDevice(deviceId: string): string[] {
    return this.boards.get(deviceId)?.slots.map((s) => s.id) ?? this.cameras.get(deviceId) ?? [];
  }

  product(sku: string): Product | null {
    return this.products.get(sku) ?? null;
  }

  productName(sku: string): string {
    return this.products.get(sku)?.name ?? sku;
  }

  slotsOfSku(sku: string): SlotRef[] {
    return this.bySku.get(sku) ?? [];
  }

  slotLabel(ref: SlotRef): string {
    return `Aisle ${ref.shelf.aisle}, shelf ${ref.shelf.id}, slot ${ref.slot.id} (${this.productName(ref.slot.sku)})`;
  }

  slotLocation(ref: SlotRef): TaskLocation {
    return { aisle: ref.shelf.aisle, shelfId: ref.shelf.id, slotId: ref.slot.id, sku: ref.slot.sku, label: this.slotLabel(ref) };
  }

  caseLabel(c: RefrigeratedCase): string {
    return `${c.name} (${c.category} ${c.type}, aisle ${c.aisle})`;
  }

  caseLocation(c: RefrigeratedCase): TaskLocation {
    return { aisle: c.aisle, caseId: c.id, label: this.caseLabel(c) };
  }

  caseProducts(c: RefrigeratedCase): { sku: string; name: string }[] {
    return c.skus.map((sku) => ({ sku, name: this.productName(sku) }));
  }

  slotProducts(ref: SlotRef): { sku: string; name: string }[] {
    return [{ sku: ref.slot.sku, name: this.productName(ref.slot.sku) }];
  }

  /** Where a device is, for sensor-fault tasks: its shelf, its case, or the slots its camera sees. */
  deviceLocation(device: DeviceRef): TaskLocation {
    switch (device.kind) {
      case 'weight_board': {
        const shelf = this.boards.get(device.id);
        return shelf ? { aisle: shelf.aisle, shelfId: shelf.id, label: `Shelf weight board ${device.id} (aisle ${shelf.aisle}, shelf ${shelf.id})` } : { label: `Shelf weight board ${device.id}` };
      }
      case 'camera': {
        const first = this.slots.get(this.cameras.get(device.id)?.[0] ?? '');
        return first ? { aisle: first.shelf.aisle, label: `Shelf camera ${device.id} (aisle ${first.shelf.aisle})` } : { label: `Shelf camera ${device.id}` };
      }
      case 'probe': {
        const p = this.probes.get(device.id);
        return p ? { ...this.caseLocation(p.caseDef), label: `Probe ${device.id} (${p.placement}) in ${this.caseLabel(p.caseDef)}` } : { label: `Probe ${device.id}` };
      }
      case 'controller': {
        const c = this.controllers.get(device.id);
        return c ? { ...this.caseLocation(c), label: `Controller of ${this.caseLabel(c)}` } : { label: `Controller ${device.id}` };
      }
    }
  }
}
