import type Database from 'better-sqlite3';
import type { Reading } from '@shelfwatch/contracts';
import type { InboxRepo, Lease, LeaseRepo } from '../ports.js';
import type { Synchronous } from './synchronous.js';

/**
 * An embedded database has one process: the one that opened the file holds every store, so
 * nothing is ever claimed, confirmed away or left waiting for another replica.
 */
export class SqliteLeaseRepo implements Synchronous<LeaseRepo> {
  constructor(private readonly db: Database.Database) {}

  keep(): Lease[] {
    return (this.db.prepare('SELECT id FROM stores ORDER BY id').all() as { id: string }[]).map((r) => ({ storeId: r.id, since: 0 }));
  }

  confirm(_replica: string, leases: readonly Lease[]): Set<string> {
    return new Set(leases.map((l) => l.storeId));
  }

  holderUrl(): null {
    return null;
  }

  releaseAll(): void {}
}

export class SqliteInboxRepo implements Synchronous<InboxRepo> {
  constructor(private readonly db: Database.Database) {}

  put(readings: readonly Reading[]): void {
    const insert = this.db.prepare('INSERT INTO reading_inbox (store_id, body) VALUES (?, ?)');
    for (const r of readings) insert.run(r.storeId, JSON.stringify(r));
  }

  take(storeId: string, limit: number): Reading[] {
    const found = this.db.prepare('SELECT n, body FROM reading_inbox WHERE store_id = ? ORDER BY n LIMIT ?').all(storeId, limit) as { n: number; body: string }[];
    const last = found[found.length - 1];
    if (last) this.db.prepare('DELETE FROM reading_inbox WHERE store_id = ? AND n <= ?').run(storeId, last.n);
    return found.map((r) => JSON.parse(r.body) as Reading);
  }

  waiting(): string[] {
    return (this.db.prepare('SELECT DISTINCT store_id FROM reading_inbox ORDER BY store_id').all() as { store_id: string }[]).map((r) => r.store_id);
  }
}
