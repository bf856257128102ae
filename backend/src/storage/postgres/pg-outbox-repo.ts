import type { DeliveryAttempt, OutboxMessage, OutboxRepo } from '../ports.js';
import { toAttempt, toMessage, type AttemptRow, type MessageRow } from '../rows.js';
import { row, rows, type Sql } from './sql.js';

const MESSAGE_COLUMNS = 'id, supplier_id, store_id, event_type, payload, created_at, attempts, next_attempt_at, status';

export class PgOutboxRepo implements OutboxRepo {
  constructor(private readonly db: Sql) {}

  async enqueue(m: Omit<OutboxMessage, 'attempts' | 'status'>): Promise<void> {
    await this.db.query(
      'INSERT INTO outbox (id, supplier_id, store_id, event_type, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [m.id, m.supplierId, m.storeId, m.eventType, m.payload, m.createdAt, m.nextAttemptAt],
    );
  }

  /**
   * Claims due messages for `leaseMs`: rows another replica is claiming right now are skipped,
   * not waited for, and a claimed message is not due again until its attempt is recorded or
   * the lease runs out (the replica sending it died).
   */
  async claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    const claimed = await rows<MessageRow>(
      this.db,
      `UPDATE outbox SET claimed_until = $1 WHERE id IN (
         SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2)
         ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${MESSAGE_COLUMNS}`,
      [now + leaseMs, now, limit],
    );
    return claimed.map(toMessage).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
  }

  async nextDueAt(): Promise<number | null> {
    const r = await row<{ at: number | null }>(this.db, "SELECT MIN(GREATEST(next_attempt_at, COALESCE(claimed_until, 0))) AS at FROM outbox WHERE status = 'pending'");
    return r?.at ?? null;
  }

  async get(id: string): Promise<OutboxMessage | null> {
    const r = await row<MessageRow>(this.db, `SELECT ${MESSAGE_COLUMNS} FROM outbox WHERE id = $1`, [id]);
    return r ? toMessage(r) : null;
  }

  async recordAttempt(a: DeliveryAttempt, next: { status: OutboxMessage['status']; nextAttemptAt: number }): Promise<void> {
    await this.db.query(
      'INSERT INTO delivery_attempts (message_id, supplier_id, store_id, attempt, at, url, status_code, error, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [a.messageId, a.supplierId, a.storeId, a.attempt, a.at, a.url, a.statusCode, a.error, a.outcome],
    );
    await this.db.query('UPDATE outbox SET attempts = $1, status = $2, next_attempt_at = $3, claimed_until = NULL WHERE id = $4', [
      a.attempt,
      next.status,
      next.nextAttemptAt,
      a.messageId,
    ]);
  }

  async attempts(filter: { supplierId?: string; limit: number }): Promise<DeliveryAttempt[]> {
    const found =
      filter.supplierId === undefined
        ? await rows<AttemptRow>(this.db, 'SELECT * FROM delivery_attempts ORDER BY n DESC LIMIT $1', [filter.limit])
        : await rows<AttemptRow>(this.db, 'SELECT * FROM delivery_attempts WHERE supplier_id = $1 ORDER BY n DESC LIMIT $2', [filter.supplierId, filter.limit]);
    return found.map(toAttempt);
  }

  async messages(filter: { supplierId?: string; limit: number }): Promise<OutboxMessage[]> {
    const found =
      filter.supplierId === undefined
        ? await rows<MessageRow>(this.db, `SELECT ${MESSAGE_COLUMNS} FROM outbox ORDER BY created_at DESC LIMIT $1`, [filter.limit])
        : await rows<MessageRow>(this.db, `SELECT ${MESSAGE_COLUMNS} FROM outbox WHERE supplier_id = $1 ORDER BY created_at DESC LIMIT $2`, [filter.supplierId, filter.limit]);
    return found.map(toMessage);
  }

  async counts(): Promise<Record<OutboxMessage['status'], number>> {
    const out: Record<OutboxMessage['status'], number> = { pending: 0, delivered: 0, failed: 0 };
    for (const r of await rows<{ status: OutboxMessage['status']; n: number }>(this.db, 'SELECT status, COUNT(*) AS n FROM outbox GROUP BY status')) out[r.status] = r.n;
    return out;
  }
}
