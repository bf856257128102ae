import type { Reading } from '@shelfwatch/contracts';
import type { ReadingRepo } from '../ports.js';
import { row, rows, type Sql } from './sql.js';

export class PgReadingRepo implements ReadingRepo {
  constructor(private readonly db: Sql) {}

  async admitNew(readings: Reading[]): Promise<Reading[]> {
    if (readings.length === 0) return [];
    // One statement for the batch; a concurrent batch with the same ids waits for ours, then skips them.
    const admitted = await rows<{ id: string }>(
      this.db,
      'INSERT INTO reading_ids (id, store_id, ts) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING RETURNING id',
      [readings.map((r) => r.id), readings.map((r) => r.storeId), readings.map((r) => r.ts)],
    );
    const fresh = new Set(admitted.map((r) => r.id));
    // A batch may itself repeat an id: the first one wins, later ones count as duplicates.
    return readings.filter((r) => fresh.delete(r.id));
  }

  async keepRecent(readings: Reading[]): Promise<void> {
    if (readings.length === 0) return;
    await this.db.query(
      'INSERT INTO recent_readings (id, store_id, ts, kind, body) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING',
      [readings.map((r) => r.id), readings.map((r) => r.storeId), readings.map((r) => r.ts), readings.map((r) => r.kind), readings.map((r) => JSON.stringify(r))],
    );
  }

  async recent(storeId: string): Promise<Reading[]> {
    return (await rows<{ body: string }>(this.db, 'SELECT body FROM recent_readings WHERE store_id = $1 ORDER BY ts, n', [storeId])).map(
      (r) => JSON.parse(r.body) as Reading,
    );
  }

  async prune(storeId: string, replayBeforeMs: number, idsBeforeMs: number): Promise<void> {
    await this.db.query('DELETE FROM recent_readings WHERE store_id = $1 AND ts < $2', [storeId, replayBeforeMs]);
    await this.db.query('DELETE FROM reading_ids WHERE store_id = $1 AND ts < $2', [storeId, idsBeforeMs]);
  }

  async maxTs(storeId: string): Promise<number | null> {
    const r = await row<{ ts: number | null }>(this.db, "SELECT MAX(ts) AS ts FROM recent_readings WHERE store_id = $1 AND kind <> 'device.status'", [storeId]);
    return r?.ts ?? null;
  }
}
