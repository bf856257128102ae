import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** Schema version history: append a migration, never edit one that shipped. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE stores (id TEXT PRIMARY KEY, name TEXT NOT NULL, timezone TEXT NOT NULL);
  CREATE TABLE suppliers (id TEXT PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE products (
    sku TEXT PRIMARY KEY, name TEXT NOT NULL, unit_weight_g REAL NOT NULL, category TEXT NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id), pack_size INTEGER NOT NULL);
  CREATE TABLE shelves (
    store_id TEXT NOT NULL REFERENCES stores(id), id TEXT NOT NULL, aisle TEXT NOT NULL, board_id TEXT NOT NULL,
    position INTEGER NOT NULL, PRIMARY KEY (store_id, id));
  CREATE TABLE slots (
    store_id TEXT NOT NULL, shelf_id TEXT NOT NULL, id TEXT NOT NULL, channel INTEGER NOT NULL, sku TEXT NOT NULL,
    facings INTEGER NOT NULL, capacity INTEGER NOT NULL, reorder_point INTEGER NOT NULL, calibration TEXT NOT NULL,
    position INTEGER NOT NULL, PRIMARY KEY (store_id, id), FOREIGN KEY (store_id, shelf_id) REFERENCES shelves(store_id, id));
  CREATE TABLE cameras (store_id TEXT NOT NULL REFERENCES stores(id), id TEXT NOT NULL, slot_ids TEXT NOT NULL, PRIMARY KEY (store_id, id));
  CREATE TABLE cases (
    store_id TEXT NOT NULL REFERENCES stores(id), id TEXT NOT NULL, name TEXT NOT NULL, aisle TEXT NOT NULL,
    category TEXT NOT NULL, type TEXT NOT NULL, controller_id TEXT NOT NULL, setpoint_c REAL NOT NULL,
    probes TEXT NOT NULL, skus TEXT NOT NULL, PRIMARY KEY (store_id, id));
  CREATE TABLE backroom (store_id TEXT NOT NULL, sku TEXT NOT NULL, units INTEGER NOT NULL, PRIMARY KEY (store_id, sku));

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY, store_id TEXT NOT NULL, kind TEXT NOT NULL, location_key TEXT NOT NULL, status TEXT NOT NULL,
    version INTEGER NOT NULL, raised_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL);
  -- The database itself enforces one active task per (store, kind, location).
  CREATE UNIQUE INDEX tasks_one_active ON tasks(store_id, kind, location_key) WHERE status IN ('open', 'acknowledged');
  CREATE INDEX tasks_by_store_status ON tasks(store_id, status, raised_at);
  CREATE TABLE task_history (
    task_id TEXT NOT NULL REFERENCES tasks(id), n INTEGER NOT NULL, at INTEGER NOT NULL, by TEXT NOT NULL,
    action TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (task_id, n));
  CREATE TABLE task_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, type TEXT NOT NULL, store_id TEXT NOT NULL, body TEXT NOT NULL);

  CREATE TABLE reading_ids (id TEXT PRIMARY KEY, store_id TEXT NOT NULL, ts INTEGER NOT NULL);
  CREATE INDEX reading_ids_by_store_ts ON reading_ids(store_id, ts);
  CREATE TABLE recent_readings (id TEXT PRIMARY KEY, store_id TEXT NOT NULL, ts INTEGER NOT NULL, body TEXT NOT NULL);
  CREATE INDEX recent_readings_by_store_ts ON recent_readings(store_id, ts);

  CREATE TABLE outbox (
    id TEXT PRIMARY KEY, supplier_id TEXT NOT NULL, store_id TEXT NOT NULL, event_type TEXT NOT NULL, payload TEXT NOT NULL,
    created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending');
  CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
  CREATE TABLE delivery_attempts (
    n INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, supplier_id TEXT NOT NULL, store_id TEXT NOT NULL,
    attempt INTEGER NOT NULL, at INTEGER NOT NULL, url TEXT NOT NULL, status_code INTEGER, error TEXT, outcome TEXT NOT NULL);
  CREATE INDEX delivery_attempts_by_supplier ON delivery_attempts(supplier_id, n);

  CREATE TABLE deliveries (
    supplier_id TEXT NOT NULL, delivery_id TEXT NOT NULL, store_id TEXT NOT NULL, request_id TEXT, expected_at INTEGER NOT NULL,
    lines TEXT NOT NULL, task_id TEXT NOT NULL, received_at INTEGER, PRIMARY KEY (supplier_id, delivery_id));
  CREATE INDEX deliveries_by_task ON deliveries(task_id);

  CREATE TABLE cursors (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `,
  `
  CREATE TABLE reading_inbox (n INTEGER PRIMARY KEY AUTOINCREMENT, store_id TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX reading_inbox_by_store ON reading_inbox(store_id, n);
  `,
  `
  CREATE TABLE store_learning (store_id TEXT NOT NULL, name TEXT NOT NULL, as_of INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (store_id, name));
  `,
  `
  -- The store's trading hours (local HH:MM), null when the layout does not give them.
  ALTER TABLE stores ADD COLUMN opens_at TEXT;
  ALTER TABLE stores ADD COLUMN closes_at TEXT;
  `,
];

export function openDatabase(path: string): Database.Database {
  // A fresh install's data folder (e.g. ./data next to the config file) need not exist yet.
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a committed task, history entry or outbox row survives a power cut, not only a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
