import type Database from 'better-sqlite3';
import pLimit from 'p-limit';
import type { CatalogRepo, CursorRepo, DeliveryRepo, InboxRepo, LearningRepo, LeaseRepo, OutboxRepo, ReadingRepo, Repos, Storage, TaskRepo } from '../ports.js';
import { openDatabase } from './open-database.js';
import { SqliteCatalogRepo } from './sqlite-catalog-repo.js';
import { SqliteCursorRepo, SqliteDeliveryRepo } from './sqlite-delivery-repo.js';
import { SqliteLearningRepo } from './sqlite-learning-repo.js';
import { SqliteOutboxRepo } from './sqlite-outbox-repo.js';
import { SqliteReadingRepo } from './sqlite-reading-repo.js';
import { SqliteInboxRepo, SqliteLeaseRepo } from './sqlite-replica-repos.js';
import { SqliteTaskRepo } from './sqlite-task-repo.js';
import { asyncRepo, type Runner } from './synchronous.js';

/**
 * The default adapter: one embedded SQLite file (WAL, synchronous=FULL) on one connection.
 * A unit of work awaits between its statements, so the connection has a lock: a transaction
 * holds it from BEGIN to COMMIT, and a call outside one takes it for that call, so nothing
 * else reads the transaction's uncommitted rows or slips its own statements into it.
 */
export function openSqliteStorage(path: string): Storage {
  const db: Database.Database = openDatabase(path);
  const lock = pLimit(1);
  const repos = (run: Runner): Repos => ({
    catalog: asyncRepo<CatalogRepo>(new SqliteCatalogRepo(db), run),
    tasks: asyncRepo<TaskRepo>(new SqliteTaskRepo(db), run),
    readings: asyncRepo<ReadingRepo>(new SqliteReadingRepo(db), run),
    outbox: asyncRepo<OutboxRepo>(new SqliteOutboxRepo(db), run),
    deliveries: asyncRepo<DeliveryRepo>(new SqliteDeliveryRepo(db), run),
    cursors: asyncRepo<CursorRepo>(new SqliteCursorRepo(db), run),
    leases: asyncRepo<LeaseRepo>(new SqliteLeaseRepo(db), run),
    inbox: asyncRepo<InboxRepo>(new SqliteInboxRepo(db), run),
    learning: asyncRepo<LearningRepo>(new SqliteLearningRepo(db), run),
  });
  // Inside a transaction the lock is already held.
  const tx = repos(async (call) => call());
  return {
    ...repos((call) => lock(call)),
    transaction: <T>(fn: (tx: Repos) => Promise<T>): Promise<T> =>
      lock(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(tx);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () =>
      lock(() => {
        db.close();
      }),
  };
}
