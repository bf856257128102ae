import type Database from 'better-sqlite3';
import type { CursorRepo, DeliveryRecord, DeliveryRepo } from '../ports.js';
import { toDelivery, type DeliveryRow } from '../rows.js';
import type { Synchronous } from './synchronous.js';

type Row = DeliveryRow<string>;
const toRecord = (r: Row): DeliveryRecord => toDelivery({ ...r, lines: JSON.parse(r.lines) as DeliveryRecord['lines'] });

export class SqliteDeliveryRepo implements Synchronous<DeliveryRepo> {
  constructor(private readonly db: Database.Database) {}

  get(supplierId: string, deliveryId: string): DeliveryRecord | null {
    const row = this.db.prepare('SELECT * FROM deliveries WHERE supplier_id = ? AND delivery_id = ?').get(supplierId, deliveryId) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  byTask(taskId: string): DeliveryRecord | null {
    const row = this.db.prepare('SELECT * FROM deliveries WHERE task_id = ?').get(taskId) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  insert(d: DeliveryRecord): void {
    this.db
      .prepare('INSERT INTO deliveries (supplier_id, delivery_id, store_id, request_id, expected_at, lines, task_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.supplierId, d.deliveryId, d.storeId, d.requestId, d.expectedAt, JSON.stringify(d.lines), d.taskId, d.receivedAt);
  }

  markReceived(supplierId: string, deliveryId: string, at: number): void {
    this.db.prepare('UPDATE deliveries SET received_at = ? WHERE supplier_id = ? AND delivery_id = ?').run(at, supplierId, deliveryId);
  }

  list(filter: { supplierId?: string; limit: number }): DeliveryRecord[] {
    const rows =
      filter.supplierId === undefined
        ? (this.db.prepare('SELECT * FROM deliveries ORDER BY expected_at DESC LIMIT ?').all(filter.limit) as Row[])
        : (this.db.prepare('SELECT * FROM deliveries WHERE supplier_id = ? ORDER BY expected_at DESC LIMIT ?').all(filter.supplierId, filter.limit) as Row[]);
    return rows.map(toRecord);
  }
}

export class SqliteCursorRepo implements Synchronous<CursorRepo> {
  constructor(private readonly db: Database.Database) {}

  get(name: string): number {
    const row = this.db.prepare('SELECT value FROM cursors WHERE name = ?').get(name) as { value: number } | undefined;
    return row?.value ?? 0;
  }

  set(name: string, value: number): void {
    this.db.prepare('INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(name, value);
  }
}
