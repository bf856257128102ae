import pg from 'pg';
import type { ExpectedTask } from './chain-stores.js';

/**
 * What a chain's backend stored, read from PostgreSQL directly (beside the running replicas),
 * for the drills' reconciliation against what the gateways sent and the clients received.
 */

export interface StoredTask {
  id: string;
  storeId: string;
  kind: string;
  locationKey: string;
  status: string;
}

export interface StoredWebhook {
  id: string;
  storeId: string;
  status: string;
  /** Attempts recorded with outcome `delivered` (the supplier answered 2xx). */
  delivered: number;
}

export interface ChainRecord {
  /** Reading ids stored (each row once: the primary key). */
  readingIds: string[];
  tasks: StoredTask[];
  /** Task event seqs, ascending: what the feed must deliver. */
  eventSeqs: number[];
  webhooks: StoredWebhook[];
}

export async function readChainRecord(databaseUrl: string): Promise<ChainRecord> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = await client.query<{ id: string }>('SELECT id FROM reading_ids');
    const tasks = await client.query<StoredTask>('SELECT id, store_id AS "storeId", kind, location_key AS "locationKey", status FROM tasks ORDER BY store_id, kind, location_key, raised_at');
    const seqs = await client.query<{ seq: string }>('SELECT seq FROM task_events ORDER BY seq');
    const webhooks = await client.query<StoredWebhook & { delivered: string }>(
      `SELECT o.id, o.store_id AS "storeId", o.status, COUNT(a.n) AS delivered
         FROM outbox o LEFT JOIN delivery_attempts a ON a.message_id = o.id AND a.outcome = 'delivered'
        GROUP BY o.id, o.store_id, o.status ORDER BY o.store_id, o.id`,
    );
    return { readingIds: ids.rows.map((r) => r.id), tasks: tasks.rows, eventSeqs: seqs.rows.map((r) => Number(r.seq)), webhooks: webhooks.rows.map((w) => ({ ...w, delivered: Number(w.delivered) })) };
  } finally {
    await client.end();
  }
}

/** Values listed more than once. */
export function repeated<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

/** Tasks as `store kind location status` lines, sorted: what a drill compares with the stores' expected tasks. */
export function taskKeys(tasks: readonly (StoredTask | ExpectedTask)[]): string[] {
  return tasks.map((t) => `${t.storeId} ${t.kind} ${t.locationKey} ${t.status}`).sort();
}
