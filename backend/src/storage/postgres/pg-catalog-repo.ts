import type { Product, StoreLayout } from '@shelfwatch/contracts';
import type { CatalogRepo } from '../ports.js';
import { storeOfRow, toProduct, type ProductRow, type StoreRow } from '../rows.js';
import { notify } from './notices.js';
import { row, rows, type Sql } from './sql.js';

type Layout = StoreLayout;
type Slot = Layout['shelves'][number]['slots'][number];
type Case = Layout['cases'][number];

/** Text keys sort byte-wise, whatever the database's collation (as SQLite sorts them). */
const BYTES = 'COLLATE "C"';

/** A column of a store's rows: its name, its PostgreSQL type, and its value in a row. */
type Column<R> = readonly [name: string, type: string, value: (row: R, index: number) => unknown];

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

  // One statement per table, whatever the layout's size: a chain's large stores have thousands of slots each.
  private async upsertCatalogue(layout: Layout, replace: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO suppliers (id, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) ${replace ? 'DO UPDATE SET name = excluded.name' : 'DO NOTHING'}`,
      [layout.suppliers.map((s) => s.id), layout.suppliers.map((s) => s.name)],
    );
    const products = layout.products;
    await this.db.query(
      `INSERT INTO products (sku, name, unit_weight_g, category, supplier_id, pack_size)
         SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::text[], $6::int[]) ON CONFLICT (sku) ${
           replace
             ? 'DO UPDATE SET name = excluded.name, unit_weight_g = excluded.unit_weight_g, category = excluded.category, supplier_id = excluded.supplier_id, pack_size = excluded.pack_size'
             : 'DO NOTHING'
         }`,
      [products.map((p) => p.sku), products.map((p) => p.name), products.map((p) => p.unitWeightG), products.map((p) => p.category), products.map((p) => p.supplierId), products.map((p) => p.packSize)],
    );
  }

  async saveLayout(layout: Layout): Promise<void> {
    const storeId = layout.store.id;
    await this.upsertCatalogue(layout, true);
    await this.db.query(
      `INSERT INTO stores (id, name, timezone, opens_at, closes_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone, opens_at = excluded.opens_at, closes_at = excluded.closes_at`,
      [storeId, layout.store.name, layout.store.timezone, layout.store.opensAt ?? null, layout.store.closesAt ?? null],
    );
    for (const table of ['slots', 'shelves', 'cameras', 'cases']) await this.db.query(`DELETE FROM ${table} WHERE store_id = $1`, [storeId]);
    await this.insertRows(storeId, 'shelves', layout.shelves, [
      ['id', 'text', (s) => s.id],
      ['aisle', 'text', (s) => s.aisle],
      ['board_id', 'text', (s) => s.boardId],
      ['position', 'int', (_, i) => i],
    ]);
    const slots = layout.shelves.flatMap((s) => s.slots.map((sl, i) => ({ shelfId: s.id, position: i, ...sl })));
    await this.insertRows(storeId, 'slots', slots, [
      ['shelf_id', 'text', (s) => s.shelfId],
      ['id', 'text', (s) => s.id],
      ['channel', 'int', (s) => s.channel],
      ['sku', 'text', (s) => s.sku],
      ['facings', 'int', (s) => s.facings],
      ['capacity', 'int', (s) => s.capacity],
      ['reorder_point', 'int', (s) => s.reorderPoint],
      ['calibration', 'jsonb', (s) => JSON.stringify(s.calibration)],
      ['position', 'int', (s) => s.position],
    ]);
    await this.insertRows(storeId, 'cameras', layout.cameras, [
      ['id', 'text', (c) => c.id],
      ['slot_ids', 'jsonb', (c) => JSON.stringify(c.slotIds)],
    ]);
    await this.insertRows(storeId, 'cases', layout.cases, [
      ['id', 'text', (c) => c.id],
      ['name', 'text', (c) => c.name],
      ['aisle', 'text', (c) => c.aisle],
      ['category', 'text', (c) => c.category],
      ['type', 'text', (c) => c.type],
      ['controller_id', 'text', (c) => c.controllerId],
      ['setpoint_c', 'float8', (c) => c.setpointC],
      ['probes', 'jsonb', (c) => JSON.stringify(c.probes)],
      ['skus', 'jsonb', (c) => JSON.stringify(c.skus)],
    ]);
    await notify(this.db, 'layout', storeId);
  }

  /** A store's rows in one statement, whatever their number: each column goes as one array, unnested. */
  private async insertRows<R>(storeId: string, table: string, rows: readonly R[], columns: readonly Column<R>[]): Promise<void> {
    const names = columns.map(([name]) => name).join(', ');
    const arrays = columns.map(([, type], i) => `$${i + 2}::${type}[]`).join(', ');
    await this.db.query(`INSERT INTO ${table} (store_id, ${names}) SELECT $1, * FROM unnest(${arrays})`, [storeId, ...columns.map(([, , value]) => rows.map(value))]);
  }

  async storeIds(): Promise<string[]> {
    return (await rows<{ id: string }>(this.db, `SELECT id FROM stores ORDER BY id ${BYTES}`)).map((r) => r.id);
  }

  async layout(storeId: string): Promise<Layout | null> {
    const store = await row<StoreRow>(this.db, 'SELECT id, name, timezone, opens_at, closes_at FROM stores WHERE id = $1', [storeId]);
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
      store: storeOfRow(store),
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
