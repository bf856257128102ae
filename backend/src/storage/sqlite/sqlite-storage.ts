import type Database from 'better-sqlite3';
import type { Storage } from '../ports.js';
import { openDatabase } from './open-database.js';
import { SqliteCatalogRepo } from './sqlite-catalog-repo.js';
import { SqliteCursorRepo, SqliteDeliveryRepo } from './sqlite-delivery-repo.js';
import { SqliteOutboxRepo } from './sqlite-outbox-repo.js';
import { SqliteReadingRepo } from './sqlite-reading-repo.js';
import { SqliteTaskRepo } from './sqlite-task-repo.js';

/** The default adapter: one embedded SQLite file (WAL, synchronous=FULL). */
export function openSqliteStorage(path: string): Storage {
  const db: Database.Database = openDatabase(path);
  return {
    catalog: new SqliteCatalogRepo(db),
    tasks: new SqliteTaskRepo(db),
    readings: new SqliteReadingRepo(db),
    outbox: new SqliteOutboxRepo(db),
    deliveries: new SqliteDeliveryRepo(db),
    cursors: new SqliteCursorRepo(db),
    // better-sqlite3 transactions nest as savepoints, so a unit of work may call another.
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => db.close(),
  };
}
