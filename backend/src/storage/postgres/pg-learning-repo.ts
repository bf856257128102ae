import type { LearningRepo, StoreLearningRecord } from '../ports.js';
import { rows, type Sql } from './sql.js';

export class PgLearningRepo implements LearningRepo {
  constructor(private readonly db: Sql) {}

  async put(name: string, r: StoreLearningRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO store_learning (store_id, name, as_of, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (store_id, name) DO UPDATE SET as_of = excluded.as_of, body = excluded.body WHERE excluded.as_of >= store_learning.as_of`,
      [r.storeId, name, r.asOf, JSON.stringify(r.body)],
    );
  }

  async all(name: string): Promise<StoreLearningRecord[]> {
    const found = await rows<{ store_id: string; as_of: number; body: unknown }>(this.db, 'SELECT store_id, as_of, body FROM store_learning WHERE name = $1 ORDER BY store_id', [name]);
    return found.map((r) => ({ storeId: r.store_id, asOf: r.as_of, body: r.body }));
  }
}
