import type { Logger } from 'pino';
import type { StorageLocation } from '../config.js';
import type { Storage } from './ports.js';
import { openPostgresStorage } from './postgres/pg-storage.js';
import { openSqliteStorage } from './sqlite/sqlite-storage.js';

/** Opens (and migrates) the configured storage. */
export async function openStorage(location: StorageLocation, logger: Logger): Promise<Storage> {
  if (location.kind === 'postgres') {
    const storage = await openPostgresStorage({ url: location.url, logger });
    // The connection string may hold a password: log where, not how.
    logger.info({ storage: 'postgres', host: new URL(location.url).host }, 'storage opened');
    return storage;
  }
  logger.info({ storage: 'sqlite', path: location.path }, 'storage opened');
  return openSqliteStorage(location.path);
}
