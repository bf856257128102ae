import type Database from 'better-sqlite3';
import type { Reading } from '@shelfwatch/contracts';
import type { ReadingRepo } from '../ports.js';
import type { Synchronous } from './synchronous.js';

export class SqliteReadingRepo implements Synchronous<ReadingRepo> {
  constructor(private readonly db: Database.Database) {}

  admitNew(readings: Reading[]): Reading[] {
    const insert = this.db.prepare('INSERT OR IGNORE INTO reading_ids (id, store_id, ts) VALUES (?, ?, ?)');
    // A batch may itself repeat an id: the first one wins, later ones count as duplicates.
    return readings.filter((r) => insert.run(r.id, r.storeId, r.ts).changes === 1);
  }

  keepRecent(readings: Reading[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO recent_readings (id, store_id, ts, body) VALUES (?, ?, ?, ?)');
    for (const r of readings) insert.run(r.id, r.storeId, r.ts, JSON.stringify(r));
  }

  recent(storeId: string): Reading[] {
    return (this.db.prepare('SELECT body FROM recent_readings WHERE store_id = ? ORDER BY ts, rowid').all(storeId) as { body: string }[]).map(
      (r) => JSON.parse(r.body) as Reading,
    );
  }

  prune(storeId: string, replayBeforeMs: number, idsBeforeMs: number): void {
    this.db.prepare('DELETE FROM recent_readings WHERE store_id = ? AND ts < ?').run(storeId, replayBeforeMs);
    this.db.prepare('DELETE FROM reading_ids WHERE store_id = ? AND ts < ?').run(storeId, idsBeforeMs);
  }

  maxTs(storeId: string): number | null {
    const row = this.db.prepare("SELECT MAX(ts) AS ts FROM recent_readings WHERE store_id = ? AND json_extract(body, '$.kind') <> 'device.status'").get(storeId) as { ts: number | null };
    return row.ts;
  }
}
