import type Database from 'better-sqlite3';
import type { Product, StoreLayout } from '@shelfwatch/contracts';
import type { CatalogRepo } from '../ports.js';
import { storeOfRow, toProduct, type ProductRow, type StoreRow } from '../rows.js';
import type { Synchronous } from './synchronous.js';

interface SlotRow {
  shelf_id: string;
  id: string;
  channel: number;
  sku: string;
  facings: number;
  capacity: number;
  reorder_point: number;
  calibration: string;
}

export class SqliteCatalogRepo implements Synchronous<CatalogRepo> {
  constructor(private readonly db: Database.Database) {}

  seedLayout(layout: StoreLayout): boolean {
    const known = this.db.prepare('SELECT 1 FROM stores WHERE id = ?').get(layout.store.id);
    if (known) {
      // Products and suppliers are chain-wide: new ones from a layout file are added, existing ones kept.
      this.upsertCatalogue(layout, false);
      return false;
    }
    this.saveLayout(layout);
    return true;
  }

  private upsertCatalogue(layout: StoreLayout, replace: boolean): void {
    const verb = replace ? 'INSERT OR REPLACE' : 'INSERT OR IGNORE';
    const sup = this.db.prepare(`${verb} INTO suppliers (id, name) VALUES (?, ?)`);
    for (const s of layout.suppliers) sup.run(s.id, s.name);
    const prod = this.db.prepare(
      `${verb} INTO products (sku, name, unit_weight_g, category, supplier_id, pack_size) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (const p of layout.products) prod.run(p.sku, p.name, p.unitWeightG, p.category, p.supplierId, p.packSize);
  }

  saveLayout(layout: StoreLayout): void {
    const storeId = layout.store.id;
    this.upsertCatalogue(layout, true);
    this.db
      .prepare(
        'INSERT INTO stores (id, name, timezone, opens_at, closes_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone, opens_at = excluded.opens_at, closes_at = excluded.closes_at',
      )
      .run(storeId, layout.store.name, layout.store.timezone, layout.store.opensAt ?? null, layout.store.closesAt ?? null);
    for (const table of ['slots', 'shelves', 'cameras', 'cases']) this.db.prepare(`DELETE FROM ${table} WHERE store_id = ?`).run(storeId);
    const shelf = this.db.prepare('INSERT INTO shelves (store_id, id, aisle, board_id, position) VALUES (?, ?, ?, ?, ?)');
    const slot = this.db.prepare(
      'INSERT INTO slots (store_id, shelf_id, id, channel, sku, facings, capacity, reorder_point, calibration, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    layout.shelves.forEach((s, si) => {
      shelf.run(storeId, s.id, s.aisle, s.boardId, si);
      s.slots.forEach((sl, i) =>
        slot.run(storeId, s.id, sl.id, sl.channel, sl.sku, sl.facings, sl.capacity, sl.reorderPoint, JSON.stringify(sl.calibration), i),
      );
    });
    const cam = this.db.prepare('INSERT INTO cameras (store_id, id, slot_ids) VALUES (?, ?, ?)');
    for (const c of layout.cameras) cam.run(storeId, c.id, JSON.stringify(c.slotIds));
    const cs = this.db.prepare(
      'INSERT INTO cases (store_id, id, name, aisle, category, type, controller_id, setpoint_c, probes, skus) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const c of layout.cases) {
      cs.run(storeId, c.id, c.name, c.aisle, c.category, c.type, c.controllerId, c.setpointC, JSON.stringify(c.probes), JSON.stringify(c.skus));
    }
  }

  storeIds(): string[] {
    return (this.db.prepare('SELECT id FROM stores ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  }

  layout(storeId: string): StoreLayout | null {
    const store = this.db.prepare('SELECT id, name, timezone, opens_at, closes_at FROM stores WHERE id = ?').get(storeId) as StoreRow | undefined;
    if (!store) return null;
    const shelves = this.db.prepare('SELECT id, aisle, board_id FROM shelves WHERE store_id = ? ORDER BY position').all(storeId) as {
      id: string;
      aisle: string;
      board_id: string;
    }[];
    const slots = this.db.prepare('SELECT * FROM slots WHERE store_id = ? ORDER BY position').all(storeId) as SlotRow[];
    const cameras = this.db.prepare('SELECT id, slot_ids FROM cameras WHERE store_id = ? ORDER BY id').all(storeId) as { id: string; slot_ids: string }[];
    const cases = this.db.prepare('SELECT * FROM cases WHERE store_id = ? ORDER BY id').all(storeId) as {
      id: string;
      name: string;
      aisle: string;
      category: 'chilled' | 'frozen';
      type: 'multideck' | 'door' | 'island';
      controller_id: string;
      setpoint_c: number;
      probes: string;
      skus: string;
    }[];
    return {
      store: storeOfRow(store),
      suppliers: this.db.prepare('SELECT id, name FROM suppliers ORDER BY id').all() as { id: string; name: string }[],
      products: this.products(),
      shelves: shelves.map((s) => ({
        id: s.id,
        aisle: s.aisle,
        boardId: s.board_id,
        slots: slots
          .filter((sl) => sl.shelf_id === s.id)
          .map((sl) => ({
            id: sl.id,
            channel: sl.channel,
            sku: sl.sku,
            facings: sl.facings,
            capacity: sl.capacity,
            reorderPoint: sl.reorder_point,
            calibration: JSON.parse(sl.calibration) as { offsetCounts: number; countsPerGram: number },
          })),
      })),
      cameras: cameras.map((c) => ({ id: c.id, slotIds: JSON.parse(c.slot_ids) as string[] })),
      cases: cases.map((c) => ({
        id: c.id,
        name: c.name,
        aisle: c.aisle,
        category: c.category,
        type: c.type,
        controllerId: c.controller_id,
        setpointC: c.setpoint_c,
        probes: JSON.parse(c.probes) as { id: string; placement: 'air' | 'product' }[],
        skus: JSON.parse(c.skus) as string[],
      })),
    };
  }

  product(sku: string): Product | null {
    const row = this.db.prepare('SELECT * FROM products WHERE sku = ?').get(sku) as ProductRow | undefined;
    return row ? toProduct(row) : null;
  }

  products(filter: { supplierId?: string } = {}): Product[] {
    const rows =
      filter.supplierId === undefined
        ? (this.db.prepare('SELECT * FROM products ORDER BY sku').all() as ProductRow[])
        : (this.db.prepare('SELECT * FROM products WHERE supplier_id = ? ORDER BY sku').all(filter.supplierId) as ProductRow[]);
    return rows.map(toProduct);
  }

  backroomUnits(storeId: string, sku: string): number {
    const row = this.db.prepare('SELECT units FROM backroom WHERE store_id = ? AND sku = ?').get(storeId, sku) as { units: number } | undefined;
    return row?.units ?? 0;
  }

  adjustBackroom(storeId: string, sku: string, delta: number): number {
    const next = Math.max(0, this.backroomUnits(storeId, sku) + delta);
    this.setBackroom(storeId, sku, next);
    return next;
  }

  setBackroom(storeId: string, sku: string, units: number): void {
    this.db
      .prepare('INSERT INTO backroom (store_id, sku, units) VALUES (?, ?, ?) ON CONFLICT(store_id, sku) DO UPDATE SET units = excluded.units')
      .run(storeId, sku, units);
  }

  backroom(storeId: string): { sku: string; units: number }[] {
    return this.db.prepare('SELECT sku, units FROM backroom WHERE store_id = ? ORDER BY sku').all(storeId) as { sku: string; units: number }[];
  }
}
