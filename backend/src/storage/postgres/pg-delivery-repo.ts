import type { CursorRepo, DeliveryRecord, DeliveryRepo } from '../ports.js';
import { toDelivery as toRecord, type DeliveryRow } from '../rows.js';
import { row, rows, type Sql } from './sql.js';

type Row = DeliveryRow<DeliveryRecord['lines']>;

export class PgDeliveryRepo implements DeliveryRepo {
  constructor(private readonly db: Sql) {}

  async get(supplierId: string, deliveryId: string): Promise<DeliveryRecord | null> {
    const r = await row<Row>(this.db, 'SELECT * FROM deliveries WHERE supplier_id = $1 AND delivery_id = $2', [supplierId, deliveryId]);
    return r ? toRecord(r) : null;
  }

  async byTask(taskId: string): Promise<DeliveryRecord | null> {
    const r = await row<Row>(this.db, 'SELECT * FROM deliveries WHERE task_id = $1', [taskId]);
    return r ? toRecord(r) : null;
  }

  async insert(d: DeliveryRecord): Promise<void> {
    await this.db.query(
      'INSERT INTO deliveries (supplier_id, delivery_id, store_id, request_id, expected_at, lines, task_id, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [d.supplierId, d.deliveryId, d.storeId, d.requestId, d.expectedAt, JSON.stringify(d.lines), d.taskId, d.receivedAt],
    );
  }

  async markReceived(supplierId: string, deliveryId: string, at: number): Promise<void> {
    await this.db.query('UPDATE deliveries SET received_at = $1 WHERE supplier_id = $2 AND delivery_id = $3', [at, supplierId, deliveryId]);
  }

  async list(filter: { supplierId?: string; limit: number }): Promise<DeliveryRecord[]> {
    const found =
      filter.supplierId === undefined
        ? await rows<Row>(this.db, 'SELECT * FROM deliveries ORDER BY expected_at DESC LIMIT $1', [filter.limit])
        : await rows<Row>(this.db, 'SELECT * FROM deliveries WHERE supplier_id = $1 ORDER BY expected_at DESC LIMIT $2', [filter.supplierId, filter.limit]);
    return found.map(toRecord);
  }
}

export class PgCursorRepo implements CursorRepo {
  constructor(private readonly db: Sql) {}

  async get(name: string): Promise<number> {
    return (await row<{ value: number }>(this.db, 'SELECT value FROM cursors WHERE name = $1', [name]))?.value ?? 0;
  }

  async set(name: string, value: number): Promise<void> {
    await this.db.query('INSERT INTO cursors (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
  }
}
