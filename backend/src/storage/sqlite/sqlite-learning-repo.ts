import type Database from 'better-sqlite3';
import type { LearningRepo, StoreLearningRecord } from '../ports.js';
import type { Synchronous } from './synchronous.js';

export class SqliteLearningRepo implements Synchronous<LearningRepo> {
  constructor(private readonly db: Database.Database) {}

  put(name: string, r: StoreLearningRecord): void {
    this.db
      .prepare(
        `INSERT INTO store_learning (store_id, name, as_of, body) VALUES (?, ?, ?, ?)
         ON CONFLICT(store_id, name) DO UPDATE SET as_of = excluded.as_of, body = excluded.body WHERE excluded.as_of >= store_learning.as_of`,
      )
      .run(r.storeId, name, r.asOf, JSON.stringify(r.body));
  }

  all(name: string): StoreLearningRecord[] {
    const rows = this.db.prepare('SELECT store_id, as_of, body FROM store_learning WHERE name = ? ORDER BY store_id').all(name) as { store_id: string; as_of: number; body: string }[];
    return rows.map((r) => ({ storeId: r.store_id, asOf: r.as_of, body: JSON.parse(r.body) as unknown }));
  }
}
