import type { Product, StoreLayout } from '@shelfwatch/contracts';
import type { CatalogRepo } from '../ports.js';
import { toProduct, type ProductRow } from '../rows.js';
import { notify } from './notices.js';
import { row, rows, type Sql } from './sql.js';

type Layout = StoreLayout;
type Slot = Layout['shelves'][number]['slots'][number];
type Case = Layout['cases'][number];

/** Text keys sort byte-wise, whatever the database's collation (as SQLite sorts them). */
const BYTES = 'COLLATE "C"';

export class PgCatalogRepo implements CatalogRepo {
  constructor(private readonly db: Sql) {}

  async seedLayout(layout: Layout): Promise<boolean> {
    const inserted = await this.db.query('INSERT INTO stores (id, name, timezone) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
      layout.store.id,
      layout.store.name,
      layout.store.timezone,
    ]);
    if (inserted.rowCount === 0) {
      // Products and suppliers are chain-wide: new ones from a layout file are added, existing ones kept.
      await this.upsertCatalogue(layout, false);
      return false;
    }
    await this.saveLayout(layout);
    return true;
  }

  private async upsertCatalogue(layout: Layout, replace: boolean): Promise<void> {
    for (const s of layout.suppliers) {
      await this.db.query(`INSERT INTO suppliers (id, name) VALUES ($1, $2) ON CONFLICT (id) ${replace ? 'DO UPDATE SET name = excluded.name' : 'DO NOTHING'}`, [s.id, s.name]);
    }
    for (const p of layout.products) {
      await this.db.query(
        `INSERT INTO products (sku, name, unit_weight_g, category, supplier_id, pack_size) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sku) ${
          replace
            ? 'DO UPDATE SET name = excluded.name, unit_weight_g = excluded.unit_weight_g, category = excluded.category, supplier_id = excluded.supplier_id, pack_size = excluded.pack_size'
            : 'DO NOTHING'
        }`,
        [p.sku, p.name, p.unitWeightG, p.category, p.supplierId, p.packSize],
      );
    }
  }

  async saveLayout(layout: Layout): Promise<void> {
    const storeId = layout.store.id;
    await this.upsertCatalogue(layout, true);
    await this.db.query('INSERT INTO stores (id, name, timezone) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone', [
      storeId,
      layout.store.name,
      layout.store.timezone,
    ]);
    for (const table of ['slots', 'shelves', 'cameras', 'cases']) await this.db.query(`DELETE FROM ${table} WHERE store_id = $1`, [storeId]);
    for (const [si, s] of layout.shelves.entries()) {
      await this.db.query('INSERT INTO shelves (store_id, id, aisle, board_id, position) VALUES ($1, $2, $3, $4, $5)', [storeId, s.id, s.aisle, s.boardId, si]);
      for (const [i, sl] of s.slots.entries()) {
        await this.db.query(
          'INSERT INTO slots (store_id, shelf_id, id, channel, sku, facings, capacity, reorder_point, calibration, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
          [storeId, s.id, sl.id, sl.channel, sl.sku, sl.facings, sl.capacity, sl.reorderPoint, JSON.stringify(sl.calibration), i],
        );
      }
    }
    for (const c of layout.cameras) await this.db.query('INSERT INTO cameras (store_id, id, slot_ids) VALUES ($1, $2, $3)', [storeId, c.id, JSON.stringify(c.slotIds)]);
    for (const c of layout.cases) {
      await this.db.query(
        'INSERT INTO cases (store_id, id, name, aisle, category, type, controller_id, setpoint_c, probes, skus) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [storeId, c.id, c.name, c.aisle, c.category, c.type, c.controllerId, c.setpointC, JSON.stringify(c.probes), JSON.stringify(c.skus)],
      );
    }
    await notify(this.db, 'layout', storeId);
  }

  async storeIds(): Promise<string[]> {
    return (await rows<{ id: string }>(this.db, `SELECT id FROM stores ORDER BY id ${BYTES}`)).map((r) => r.id);
  }

  async layout(storeId: string): Promise<Layout | null> {
    const store = await row<Layout['store']>(this.db, 'SELECT id, name, timezone FROM stores WHERE id = $1', [storeId]);
    if (!store) return null;
    const [shelves, slots, cameras, cases, suppliers, products] = await Promise.all([
      rows<{ id: string; aisle: string; board_id: string }>(this.db, 'SELECT id, aisle, board_id FROM shelves WHERE store_id = $1 ORDER BY position', [storeId]),
      rows<{ shelf_id: string; id: string; channel: number; sku: string; facings: number; capacity: number; reorder_point: number; calibration: Slot['calibration'] }>(
        this.db,
        'SELECT * FROM slots WHERE store_id = $1 ORDER BY position',
        [storeId],
      ),
      rows<{ id: string; slot_ids: string[] }>(this.db, `SELECT id, slot_ids FROM cameras WHERE store_id = $1 ORDER BY id ${BYTES}`, [storeId]),
      rows<{ id: string; name: string; aisle: string; category: Case['category']; type: Case['type']; controller_id: string; setpoint_c: number; probes: Case['probes']; skus: string[] }>(
        this.db,
        `SELECT * FROM cases WHERE store_id = $1 ORDER BY id ${BYTES}`,
        [storeId],
      ),
      rows<{ id: string; name: string }>(this.db, `SELECT id, name FROM suppliers ORDER BY id ${BYTES}`),
      this.products(),
    ]);
    return {
      store: { id: store.id, name: store.name, timezone: store.timezone },
      suppliers,
      products,
      shelves: shelves.map((s) => ({
        id: s.id,
        aisle: s.aisle,
        boardId: s.board_id,
        slots: slots
          .filter((sl) => sl.shelf_id === s.id)
          .map((sl) => ({ id: sl.id, channel: sl.channel, sku: sl.sku, facings: sl.facings, capacity: sl.capacity, reorderPoint: sl.reorder_point, calibration: sl.calibration })),
      })),
      cameras: cameras.map((c) => ({ id: c.id, slotIds: c.slot_ids })),
      cases: cases.map((c) => ({
        id: c.id,
        name: c.name,
        aisle: c.aisle,
        category: c.category,
        type: c.type,
        controllerId: c.controller_id,
        setpointC: c.setpoint_c,
        probes: c.probes,
        skus: c.skus,
      })),
    };
  }

  async product(sku: string): Promise<Product | null> {
    const r = await row<ProductRow>(this.db, 'SELECT * FROM products WHERE sku = $1', [sku]);
    return r ? toProduct(r) : null;
  }

  async products(filter: { supplierId?: string } = {}): Promise<Product[]> {
    const found =
      filter.supplierId === undefined
        ? await rows<ProductRow>(this.db, `SELECT * FROM products ORDER BY sku ${BYTES}`)
        : await rows<ProductRow>(this.db, `SELECT * FROM products WHERE supplier_id = $1 ORDER BY sku ${BYTES}`, [filter.supplierId]);
    return found.map(toProduct);
  }

  async backroomUnits(storeId: string, sku: string): Promise<number> {
    return (await row<{ units: number }>(this.db, 'SELECT units FROM backroom WHERE store_id = $1 AND sku = $2', [storeId, sku]))?.units ?? 0;
  }

  async adjustBackroom(storeId: string, sku: string, delta: number): Promise<number> {
    // One statement, so two replicas adjusting the same level both count.
    const r = await row<{ units: number }>(
      this.db,
      `INSERT INTO backroom (store_id, sku, units) VALUES ($1, $2, GREATEST(0, $3::int))
       ON CONFLICT (store_id, sku) DO UPDATE SET units = GREATEST(0, backroom.units + $3::int) RETURNING units`,
      [storeId, sku, delta],
    );
    return r?.units ?? 0;
  }

  async setBackroom(storeId: string, sku: string, units: number): Promise<void> {
    await this.db.query('INSERT INTO backroom (store_id, sku, units) VALUES ($1, $2, $3) ON CONFLICT (store_id, sku) DO UPDATE SET units = excluded.units', [storeId, sku, units]);
  }

  async backroom(storeId: string): Promise<{ sku: string; units: number }[]> {
    return rows<{ sku: string; units: number }>(this.db, `SELECT sku, units FROM backroom WHERE store_id = $1 ORDER BY sku ${BYTES}`, [storeId]);
  }
}
