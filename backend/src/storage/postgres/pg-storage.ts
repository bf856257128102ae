import pg from 'pg';
import type { Logger } from 'pino';
import type { Repos, Storage } from '../ports.js';
import { migrate } from './migrations.js';
import { PgCatalogRepo } from './pg-catalog-repo.js';
import { PgCursorRepo, PgDeliveryRepo } from './pg-delivery-repo.js';
import { PgLearningRepo } from './pg-learning-repo.js';
import { PgOutboxRepo } from './pg-outbox-repo.js';
import { PgReadingRepo } from './pg-reading-repo.js';
import { PgInboxRepo, PgLeaseRepo } from './pg-replica-repos.js';
import { listen } from './pg-listener.js';
import { PgTaskRepo } from './pg-task-repo.js';
import type { Sql } from './sql.js';

export interface PostgresStorageOptions {
  /** postgres://user:password@host:port/database (from the environment or config, never code). */
  url: string;
  logger: Logger;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

/** Epoch-millisecond BIGINTs and COUNT(*)s as numbers (exact up to 2^53); every other type as node-postgres parses it. */
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown =>
    oid === (pg.types.builtins.INT8 as number) && format !== 'binary' ? (value: string) => Number(value) : (pg.types.getTypeParser(oid, format ?? 'text') as unknown),
};

const reposOver = (db: Sql): Repos => ({
  catalog: new PgCatalogRepo(db),
  tasks: new PgTaskRepo(db),
  readings: new PgReadingRepo(db),
  outbox: new PgOutboxRepo(db),
  deliveries: new PgDeliveryRepo(db),
  cursors: new PgCursorRepo(db),
  leases: new PgLeaseRepo(db),
  inbox: new PgInboxRepo(db),
  learning: new PgLearningRepo(db),
});

/**
 * PostgreSQL (15+) through a connection pool: calls outside a unit of work run on any
 * connection; a unit of work holds one connection from BEGIN to COMMIT. The schema is migrated
 * before the storage is returned.
 */
export async function openPostgresStorage(opts: PostgresStorageOptions): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.maxConnections ?? 10, types });
  // An idle connection's error (the server restarted) must not crash the process: the pool drops it.
  pool.on('error', (err) => opts.logger.warn({ err }, 'PostgreSQL connection lost; the pool reconnects'));
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) opts.logger.info({ applied }, 'PostgreSQL schema migrated');
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    ...reposOver(pool),
    transaction: async <T>(fn: (tx: Repos) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A checked-out connection has no pool listener: the server going away mid-unit-of-work
      // (a restart, a crash, a cut network) is an 'error' event that would otherwise end the
      // process. The query at hand fails with it; the connection is not handed out again.
      const lost = (err: Error) => {
        broken = err;
      };
      client.on('error', lost);
      try {
        await client.query('BEGIN');
        const result = await fn(reposOver(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
          // The connection is gone (and with it the transaction): do not hand it out again.
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        });
        throw err;
      } finally {
        client.off('error', lost);
        client.release(broken);
      }
    },
    listen: (onNotice) => listen({ url: opts.url, types, logger: opts.logger }, onNotice),
    close: () => pool.end(),
  };
}
