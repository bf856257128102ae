import type { Pool } from 'pg';

/**
 * Schema version history: append a migration, never edit one that shipped. Times are epoch
 * milliseconds (BIGINT); task bodies are JSONB (audit reports query into them), replay copies
 * of readings stay TEXT (only ever read back whole).
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE stores (id TEXT PRIMARY KEY, name TEXT NOT NULL, timezone TEXT NOT NULL);
  CREATE TABLE suppliers (id TEXT PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE products (
    sku TEXT PRIMARY KEY, name TEXT NOT NULL, unit_weight_g DOUBLE PRECISION NOT NULL, category TEXT NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id), pack_size INTEGER NOT NULL);
  CREATE TABLE shelves (
    store_id TEXT NOT NULL REFERENCES stores(id), id TEXT NOT NULL, aisle TEXT NOT NULL, board_id TEXT NOT NULL,
    position INTEGER NOT NULL, PRIMARY KEY (store_id, id));
  CREATE TABLE slots (
    store_id TEXT NOT NULL, shelf_id TEXT NOT NULL, id TEXT NOT NULL, channel INTEGER NOT NULL, sku TEXT NOT NULL,
    facings INTEGER NOT NULL, capacity INTEGER NOT NULL, reorder_point INTEGER NOT NULL, calibration JSONB NOT NULL,
    position INTEGER NOT NULL, PRIMARY KEY (store_id, id), FOREIGN KEY (store_id, shelf_id) REFERENCES shelves(store_id, id));
  CREATE TABLE cameras (store_id TEXT NOT NULL REFERENCES stores(id), id TEXT NOT NULL, slot_ids JSONB NOT NULL, PRIMARY KEY (store_id, id));
  CREATE TABLE cases (
    store_id TEXT NOT NULL REFERENCES stores(id), id TEXT NOT NULL, name TEXT NOT NULL, aisle TEXT NOT NULL,
    category TEXT NOT NULL, type TEXT NOT NULL, controller_id TEXT NOT NULL, setpoint_c DOUBLE PRECISION NOT NULL,
    probes JSONB NOT NULL, skus JSONB NOT NULL, PRIMARY KEY (store_id, id));
  CREATE TABLE backroom (store_id TEXT NOT NULL, sku TEXT NOT NULL, units INTEGER NOT NULL, PRIMARY KEY (store_id, sku));

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY, store_id TEXT NOT NULL, kind TEXT NOT NULL, location_key TEXT NOT NULL, status TEXT NOT NULL,
    version INTEGER NOT NULL, raised_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, body JSONB NOT NULL);
  -- The database itself enforces one active task per (store, kind, location).
  CREATE UNIQUE INDEX tasks_one_active ON tasks (store_id, kind, location_key) WHERE status IN ('open', 'acknowledged');
  CREATE INDEX tasks_by_store_status ON tasks (store_id, status, raised_at);
  CREATE INDEX tasks_by_case ON tasks ((body -> 'location' ->> 'caseId'), raised_at);
  CREATE TABLE task_history (
    task_id TEXT NOT NULL REFERENCES tasks(id), n INTEGER NOT NULL, at BIGINT NOT NULL, by TEXT NOT NULL,
    action TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (task_id, n));
  CREATE TABLE task_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, task_id TEXT NOT NULL, type TEXT NOT NULL, store_id TEXT NOT NULL, body JSONB NOT NULL);

  CREATE TABLE reading_ids (id TEXT PRIMARY KEY, store_id TEXT NOT NULL, ts BIGINT NOT NULL);
  CREATE INDEX reading_ids_by_store_ts ON reading_ids (store_id, ts);
  CREATE TABLE recent_readings (
    n BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY, store_id TEXT NOT NULL, ts BIGINT NOT NULL,
    kind TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX recent_readings_by_store_ts ON recent_readings (store_id, ts, n);

  CREATE TABLE outbox (
    id TEXT PRIMARY KEY, supplier_id TEXT NOT NULL, store_id TEXT NOT NULL, event_type TEXT NOT NULL, payload TEXT NOT NULL,
    created_at BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    -- A replica sending the message holds it until then; after that (it died) another may.
    claimed_until BIGINT);
  CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
  CREATE TABLE delivery_attempts (
    n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, message_id TEXT NOT NULL, supplier_id TEXT NOT NULL, store_id TEXT NOT NULL,
    attempt INTEGER NOT NULL, at BIGINT NOT NULL, url TEXT NOT NULL, status_code INTEGER, error TEXT, outcome TEXT NOT NULL);
  CREATE INDEX delivery_attempts_by_supplier ON delivery_attempts (supplier_id, n);

  CREATE TABLE deliveries (
    supplier_id TEXT NOT NULL, delivery_id TEXT NOT NULL, store_id TEXT NOT NULL, request_id TEXT, expected_at BIGINT NOT NULL,
    lines JSONB NOT NULL, task_id TEXT NOT NULL, received_at BIGINT, PRIMARY KEY (supplier_id, delivery_id));
  CREATE INDEX deliveries_by_task ON deliveries (task_id);

  CREATE TABLE cursors (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
  `,
  `
  -- Replicas: which one runs each store's rules (times on the database's clock, epoch ms).
  CREATE TABLE replicas (id TEXT PRIMARY KEY, url TEXT NOT NULL, seen_at BIGINT NOT NULL);
  CREATE TABLE store_leases (
    store_id TEXT PRIMARY KEY REFERENCES stores(id), owner TEXT NOT NULL, since BIGINT NOT NULL, expires_at BIGINT NOT NULL);
  CREATE INDEX store_leases_by_owner ON store_leases (owner);
  -- Readings a replica accepted for a store another one runs, until that one takes them.
  CREATE TABLE reading_inbox (n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, store_id TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX reading_inbox_by_store ON reading_inbox (store_id, n);
  `,
  `
  -- What each store's rules learnt that outlives the readings kept for replay (event time, epoch ms).
  CREATE TABLE store_learning (store_id TEXT NOT NULL, name TEXT NOT NULL, as_of BIGINT NOT NULL, body JSONB NOT NULL, PRIMARY KEY (store_id, name));
  `,
  `
  -- The store's trading hours (local HH:MM), null when the layout does not give them.
  ALTER TABLE stores ADD COLUMN opens_at TEXT, ADD COLUMN closes_at TEXT;
  `,
];

/** Any constant shared by every replica: the advisory lock that makes schema changes one at a time. */
const MIGRATION_LOCK = 0x5348_4c46; // "SHLF"

/**
 * Brings the schema up to date. Replicas starting together take turns on an advisory lock, so
 * each migration runs once, in its own transaction. Resolves with the versions this call applied.
 */
export async function migrate(pool: Pool, migrations: readonly string[] = MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  let failed: Error | undefined;
  try {
    // Session-level: released by the unlock below, or by the server when this connection ends.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT COALESCE(MAX(version), 0)::int AS version FROM schema_migrations');
    for (let v = rows[0]?.version ?? 0; v < migrations.length; v++) {
      await client.query('BEGIN');
      try {
        await client.query(migrations[v] ?? '');
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(v + 1);
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  } catch (err) {
    failed = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    // A connection that failed is closed, not pooled: its session (and lock) ends with it.
    client.release(failed);
  }
  return applied;
}
