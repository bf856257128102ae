import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Reading } from '@shelfwatch/contracts';
import { Listeners, ManualClock } from '@shelfwatch/service-kit';
import { EngineHost } from '../../src/engine/engine-host.js';
import { IngestService } from '../../src/ingest/ingest-service.js';
import { createRuleEngine, defaultLimits } from '../../src/rules/index.js';
import type { Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { DEFAULT_ESCALATION_MIN } from '../../src/tasks/task-state.js';
import { TaskService, type TaskCommit } from '../../src/tasks/task-service.js';
import { layout, MIN, STORE, T0 } from '../rules/timeline.js';
import { storeDay } from './store-day.js';

const WALL0 = Date.UTC(2030, 0, 1);
const logger = pino({ level: 'silent' });
/** Readings kept for replay: shorter than the day, so what was learnt before it must come from the saved statistics. */
const REPLAY_MS = 60 * MIN;

/** A backend on SQLite (engine host, task service, ingest) with the test store seeded. */
function backend(storage: Storage, clock: ManualClock) {
  let n = 0;
  const tasks = new TaskService({ storage, committed: new Listeners<TaskCommit>(logger, 'tasks'), clock, escalationMin: DEFAULT_ESCALATION_MIN, logger, newId: () => `task-${++n}` });
  return async (readings: Reading[], over: Partial<Storage> = {}) => {
    const engines = new EngineHost({ storage: { ...storage, ...over }, createRuleEngine, limits: defaultLimits, clock, logger });
    await engines.start();
    const ingest = new IngestService({ engines, tasks, logger, replayMs: REPLAY_MS, idRetentionMs: 48 * 3_600_000 });
    for (let i = 0; i < readings.length; i += 50) {
      clock.advance(5_000);
      await ingest.ingest({ gatewayId: 'gw-1', readings: readings.slice(i, i + 50) }, undefined);
    }
    return engines;
  };
}

async function seeded(): Promise<Storage> {
  const storage = openSqliteStorage(':memory:');
  await storage.transaction(async (tx) => {
    await tx.catalog.seedLayout(layout);
    for (const p of layout.products) await tx.catalog.setBackroom(STORE, p.sku, 40);
  });
  return storage;
}

/** What the shelf view says of each slot's sales pace and time to empty. */
function forecasts(engines: EngineHost) {
  return engines.engine(STORE)!.shelfView('shelf-3b')!.slots.map((s) => ({ slotId: s.slotId, forecast: s.forecast }));
}

describe('the forecast across a restart', () => {
  // Slot-1 and slot-4 sell for hours; the restart comes after more than the replay window of it.
  const sales = [Array.from({ length: 50 }, (_, i) => 4 + i * 7), [], [], Array.from({ length: 18 }, (_, i) => 10 + i * 19)];
  const readings = storeDay({
    minutes: 360, sales, restockAt: 400, misreads: [], wrongProduct: { at: 400, len: 0 },
    defrostAt: 400, doorAt: 400, doorLen: 0, compressorAt: 400, openCircuit: { at: 400, len: 0 }, outage: { at: 400, len: 0, statuses: false },
  });
  const restartAt = readings.findIndex((r) => r.ts >= T0 + 250 * MIN);

  it('a backend that restarts forecasts exactly as one that did not, though it replays only the last hour', async () => {
    const never = await backend(await seeded(), new ManualClock(WALL0))(readings);
    const expected = forecasts(never);
    expect(expected.find((s) => s.slotId === 'slot-4')!.forecast).toMatchObject({ confident: true });

    const storage = await seeded();
    const run = backend(storage, new ManualClock(WALL0));
    await run(readings.slice(0, restartAt));
    const saved = await storage.learning.all('sell-out-forecast');
    expect(saved.map((s) => [s.storeId, s.asOf])).toEqual([[STORE, T0 + 4 * 60 * MIN]]);
    expect(forecasts(await run(readings.slice(restartAt)))).toEqual(expected);
  });

  it('without the saved statistics the restarted forecast would differ (it forgets all but the last hour)', async () => {
    const never = forecasts(await backend(await seeded(), new ManualClock(WALL0))(readings));
    const storage = await seeded();
    const run = backend(storage, new ManualClock(WALL0));
    await run(readings.slice(0, restartAt));
    const forgetful = await run(readings.slice(restartAt), { learning: { put: () => Promise.resolve(), all: () => Promise.resolve([]) } });
    expect(forecasts(forgetful)).not.toEqual(never);
  });

  it('a saved record that does not read as expected is ignored: the store learns afresh, nothing crashes', async () => {
    const fresh = forecasts(await backend(await seeded(), new ManualClock(WALL0))(readings.slice(restartAt)));
    const storage = await seeded();
    await storage.transaction((tx) => tx.learning.put('sell-out-forecast', { storeId: STORE, asOf: T0, body: { version: 0, profile: 'hours' } }));
    expect(forecasts(await backend(storage, new ManualClock(WALL0))(readings.slice(restartAt)))).toEqual(fresh);
  });
});
