import type Database from 'better-sqlite3';
import type { DeliveryAttempt, OutboxMessage, OutboxRepo } from '../ports.js';
import { toAttempt, toMessage, type AttemptRow, type MessageRow } from '../rows.js';
import type { Synchronous } from './synchronous.js';

export class SqliteOutboxRepo implements Synchronous<OutboxRepo> {
  constructor(private readonly db: Database.Database) {}

  enqueue(m: Omit<OutboxMessage, 'attempts' | 'status'>): void {
    this.db
      .prepare('INSERT INTO outbox (id, supplier_id, store_id, event_type, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(m.id, m.supplierId, m.storeId, m.eventType, m.payload, m.createdAt, m.nextAttemptAt);
  }

  /** One process sends from an SQLite file and its passes never overlap: nothing to lease. */
  claimDue(now: number, limit: number): OutboxMessage[] {
    return (
      this.db.prepare("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?").all(now, limit) as MessageRow[]
    ).map(toMessage);
  }

  nextDueAt(): number | null {
    const row = this.db.prepare("SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'pending'").get() as { at: number | null };
    return row.at;
  }

  get(id: string): OutboxMessage | null {
    const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as MessageRow | undefined;
    return row ? toMessage(row) : null;
  }

  recordAttempt(a: DeliveryAttempt, next: { status: OutboxMessage['status']; nextAttemptAt: number }): void {
    this.db
      .prepare(
        'INSERT INTO delivery_attempts (message_id, supplier_id, store_id, attempt, at, url, status_code, error, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(a.messageId, a.supplierId, a.storeId, a.attempt, a.at, a.url, a.statusCode, a.error, a.outcome);
    this.db.prepare('UPDATE outbox SET attempts = ?, status = ?, next_attempt_at = ? WHERE id = ?').run(a.attempt, next.status, next.nextAttemptAt, a.messageId);
  }

  attempts(filter: { supplierId?: string; limit: number }): DeliveryAttempt[] {
    const rows =
      filter.supplierId === undefined
        ? (this.db.prepare('SELECT * FROM delivery_attempts ORDER BY n DESC LIMIT ?').all(filter.limit) as AttemptRow[])
        : (this.db.prepare('SELECT * FROM delivery_attempts WHERE supplier_id = ? ORDER BY n DESC LIMIT ?').all(filter.supplierId, filter.limit) as AttemptRow[]);
    return rows.map(toAttempt);
  }

  messages(filter: { supplierId?: string; limit: number }): OutboxMessage[] {
    const rows =
      filter.supplierId === undefined
        ? (this.db.prepare('SELECT * FROM outbox ORDER BY created_at DESC LIMIT ?').all(filter.limit) as MessageRow[])
        : (this.db.prepare('SELECT * FROM outbox WHERE supplier_id = ? ORDER BY created_at DESC LIMIT ?').all(filter.supplierId, filter.limit) as MessageRow[]);
    return rows.map(toMessage);
  }

  counts(): Record<OutboxMessage['status'], number> {
    const out: Record<OutboxMessage['status'], number> = { pending: 0, delivered: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as { status: OutboxMessage['status']; n: number }[]) {
      out[r.status] = r.n;
    }
    return out;
  }
}
