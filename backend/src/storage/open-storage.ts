import type { Logger } from 'pino';
import type { StorageLocation } from '../config.js';
import type { Storage } from './ports.js';
import { openPostgresStorage } from './postgres/pg-storage.js';
import { openSqliteStorage } from './sqlite/sqlite-storage.js';

/** Opens (and migrates) the configured storage. */
export async function openStorage(location: StorageLocation, logger: Logger): Promise<Storage> {
  if (location.kind === 'postgres') {
    const storage = await openPostgresStorage({ url: location.url, logger });
    // Not the connection string: it may hold a password.
    logger.info({ storage: 'postgres' }, 'storage opened');
    return storage;
  }
  logger.info({ storage: 'sqlite', path: location.path }, 'storage opened');
  return openSqliteStorage(location.path);
}
