import { DeviceCredentials, StoreLayout, type Product, type RefrigeratedCase, type Shelf, type Slot } from '@shelfwatch/contracts';
import { ConfigError, loadConfig } from '@shelfwatch/service-kit';
import type { GatewayConfig } from './config.js';

export interface SlotRef {
  shelf: Shelf;
  slot: Slot;
  product: Product;
}

/** The layout, indexed the ways the inputs look things up. Built once at start. */
export interface StoreContext {
  layout: StoreLayout;
  storeId: string;
  credentials: DeviceCredentials;
  shelvesByBoard: Map<string, Shelf>;
  slotsById: Map<string, SlotRef>;
  productsBySku: Map<string, Product>;
  casesByController: Map<string, RefrigeratedCase>;
  probes: Map<string, { caseId: string; placement: 'air' | 'product' }>;
  cameras: Map<string, Set<string>>;
}

export function buildStoreContext(layout: StoreLayout, credentials: DeviceCredentials): StoreContext {
  const productsBySku = new Map(layout.products.map((p) => [p.sku, p]));
  const slotsById = new Map<string, SlotRef>();
  for (const shelf of layout.shelves) {
    for (const slot of shelf.slots) {
      const product = productsBySku.get(slot.sku);
      if (product) slotsById.set(slot.id, { shelf, slot, product });
    }
  }
  const probes = new Map<string, { caseId: string; placement: 'air' | 'product' }>();
  for (const c of layout.cases) for (const p of c.probes) probes.set(p.id, { caseId: c.id, placement: p.placement });
  return {
    layout,
    storeId: layout.store.id,
    credentials,
    shelvesByBoard: new Map(layout.shelves.map((s) => [s.boardId, s])),
    slotsById,
    productsBySku,
    casesByController: new Map(layout.cases.map((c) => [c.controllerId, c])),
    probes,
    cameras: new Map(layout.cameras.map((c) => [c.id, new Set(c.slotIds)])),
  };
}

/**
 * Loads layout and credentials (device passwords may be written `env:NAME`) and checks the
 * config refers only to devices the layout knows.
 */
export function loadStoreContext(config: GatewayConfig, env: NodeJS.ProcessEnv = process.env): StoreContext {
  const layout = loadConfig({ name: 'store layout', schema: StoreLayout }, config.layoutFile, env);
  const credentials = loadConfig({ name: 'device credentials', schema: DeviceCredentials }, config.credentialsFile, env);
  const ctx = buildStoreContext(layout, credentials);
  const issues: string[] = [];
  for (const boardId of Object.keys(config.serial?.boards ?? {})) {
    if (!ctx.shelvesByBoard.has(boardId)) issues.push(`serial.boards.${boardId}: no shelf in the layout has this board`);
  }
  for (const controllerId of Object.keys(config.opcua?.controllers ?? {})) {
    if (!ctx.casesByController.has(controllerId)) issues.push(`opcua.controllers.${controllerId}: no case in the layout has this controller`);
  }
  if (issues.length > 0) throw new ConfigError('gateway configuration does not match the store layout:', issues);
  return ctx;
}
