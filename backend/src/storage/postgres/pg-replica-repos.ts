import type { Reading } from '@shelfwatch/contracts';
import type { InboxRepo, Lease, LeaseRepo, Replica } from '../ports.js';
import { notify } from './notices.js';
import { rows, type Sql } from './sql.js';

/** The database's clock in epoch ms: replicas' own clocks may disagree, the server's is one for all. */
const DB_NOW = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

const toLease = (r: { store_id: string; since: number }): Lease => ({ storeId: r.store_id, since: r.since });
const byStore = (a: Lease, b: Lease) => (a.storeId < b.storeId ? -1 : a.storeId > b.storeId ? 1 : 0);

export class PgLeaseRepo implements LeaseRepo {
  constructor(private readonly db: Sql) {}

  /** Runs as one transaction when `db` is a unit of work's client; on the pool, each statement stands alone (still safe: every step is conditional). */
  async keep({ id: replica, url }: Replica, leaseMs: number): Promise<Lease[]> {
    const [clock] = await rows<{ now: number }>(this.db, `SELECT ${DB_NOW} AS now`);
    const now = clock!.now;
    await this.db.query('INSERT INTO replicas (id, url, seen_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET url = excluded.url, seen_at = excluded.seen_at', [
      replica,
      url,
      now,
    ]);
    await this.db.query('DELETE FROM replicas WHERE seen_at < $1', [now - 10 * leaseMs]);
    const [counts] = await rows<{ stores: number; live: number }>(
      this.db,
      'SELECT (SELECT COUNT(*) FROM stores) AS stores, (SELECT COUNT(*) FROM replicas WHERE seen_at > $1) AS live',
      [now - leaseMs],
    );
    const share = Math.ceil((counts?.stores ?? 0) / Math.max(1, counts?.live ?? 1));
    const held = (
      await rows<{ store_id: string; since: number }>(
        this.db,
        'UPDATE store_leases SET expires_at = $2 WHERE owner = $1 AND expires_at > $3 RETURNING store_id, since',
        [replica, now + leaseMs, now],
      )
    )
      .map(toLease)
      .sort(byStore);
    if (held.length > share) {
      // More than a fair share since another replica joined: give back the last ones; it claims them on its next round.
      const extra = held.splice(share);
      await this.db.query('DELETE FROM store_leases WHERE owner = $1 AND store_id = ANY($2::text[])', [replica, extra.map((l) => l.storeId)]);
    } else if (held.length < share) {
      const claimed = await rows<{ store_id: string; since: number }>(
        this.db,
        `INSERT INTO store_leases (store_id, owner, since, expires_at)
           SELECT s.id, $1, $3, $2 FROM stores s
            WHERE NOT EXISTS (SELECT 1 FROM store_leases l WHERE l.store_id = s.id AND l.expires_at > $3)
            ORDER BY s.id LIMIT $4
         ON CONFLICT (store_id) DO UPDATE SET owner = excluded.owner, since = excluded.since, expires_at = excluded.expires_at
           WHERE store_leases.expires_at <= $3
         RETURNING store_id, since`,
        [replica, now + leaseMs, now, share - held.length],
      );
      held.push(...claimed.map(toLease));
    }
    return held.sort(byStore);
  }

  async confirm(replica: string, leases: readonly Lease[]): Promise<Set<string>> {
    if (leases.length === 0) return new Set();
    // FOR SHARE: a takeover (an UPDATE of the row) waits until this unit of work has committed.
    const found = await rows<{ store_id: string }>(
      this.db,
      `SELECT l.store_id FROM store_leases l JOIN unnest($1::text[], $2::bigint[]) AS mine(store_id, since) USING (store_id)
        WHERE l.owner = $3 AND l.since = mine.since AND l.expires_at > ${DB_NOW} ORDER BY l.store_id FOR SHARE OF l`,
      [leases.map((l) => l.storeId), leases.map((l) => l.since), replica],
    );
    return new Set(found.map((r) => r.store_id));
  }

  async holderUrl(storeId: string): Promise<string | null> {
    const found = await rows<{ url: string }>(
      this.db,
      `SELECT r.url FROM store_leases l JOIN replicas r ON r.id = l.owner WHERE l.store_id = $1 AND l.expires_at > ${DB_NOW}`,
      [storeId],
    );
    return found[0]?.url ?? null;
  }

  async releaseAll(replica: string): Promise<void> {
    await this.db.query('DELETE FROM store_leases WHERE owner = $1', [replica]);
    await this.db.query('DELETE FROM replicas WHERE id = $1', [replica]);
  }
}

export class PgInboxRepo implements InboxRepo {
  constructor(private readonly db: Sql) {}

  async put(readings: readonly Reading[]): Promise<void> {
    if (readings.length === 0) return;
    await this.db.query('INSERT INTO reading_inbox (store_id, body) SELECT store_id, body FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(store_id, body, i) ORDER BY i', [
      readings.map((r) => r.storeId),
      readings.map((r) => JSON.stringify(r)),
    ]);
    for (const storeId of new Set(readings.map((r) => r.storeId))) await notify(this.db, 'inbox', storeId);
  }

  async take(storeId: string, limit: number): Promise<Reading[]> {
    const found = await rows<{ n: number; body: string }>(
      this.db,
      'DELETE FROM reading_inbox WHERE n IN (SELECT n FROM reading_inbox WHERE store_id = $1 ORDER BY n LIMIT $2 FOR UPDATE) RETURNING n, body',
      [storeId, limit],
    );
    return found.sort((a, b) => a.n - b.n).map((r) => JSON.parse(r.body) as Reading);
  }

  async waiting(): Promise<string[]> {
    return (await rows<{ store_id: string }>(this.db, 'SELECT DISTINCT store_id FROM reading_inbox ORDER BY store_id')).map((r) => r.store_id);
  }
}
