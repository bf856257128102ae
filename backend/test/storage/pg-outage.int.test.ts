import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresHandle } from '@shelfwatch/test-support';
import type { Storage } from '../../src/storage/ports.js';
import { openPostgresStorage } from '../../src/storage/postgres/pg-storage.js';

describe('PostgreSQL storage through a database restart', () => {
  let postgres: PostgresHandle;
  let storage: Storage | undefined;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await storage?.close();
    await postgres?.stop();
  });

  it('a unit of work cut by the server going away fails (the process lives on), and the next one runs once it is back', async () => {
    storage = await openPostgresStorage({ url: await postgres.createDatabase(), logger: pino({ level: 'silent' }) });
    await storage.transaction((tx) => tx.catalog.adjustBackroom('store-1', 'MILK-1L', 5));
    // The server dies while a unit of work holds its connection between two statements.
    const cut = storage.transaction(async (tx) => {
      await tx.catalog.adjustBackroom('store-1', 'MILK-1L', 1);
      await postgres.stopServer('immediate');
      return tx.catalog.adjustBackroom('store-1', 'MILK-1L', 1);
    });
    await expect(cut).rejects.toThrow();
    await expect(storage.catalog.backroom('store-1')).rejects.toThrow();
    await postgres.startServer();
    // Nothing of the cut unit of work was kept; the pool connects again by itself.
    expect(await storage.transaction((tx) => tx.catalog.adjustBackroom('store-1', 'MILK-1L', 2))).toBe(7);
    expect(await storage.catalog.backroom('store-1')).toEqual([{ sku: 'MILK-1L', units: 7 }]);
  });
});
