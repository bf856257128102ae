/**
 * Replays readings a backend received into a fresh backend process, in a chosen arrival order,
 * and returns the tasks it raised: the same events delivered late, shuffled or as a backlog
 * must give the same tasks (eval's `delivery` figures, the determinism test).
 */
import { mkdir } from 'node:fs/promises';
import { DEFAULT_MAX_AHEAD_MS, type EventTimeBound, type Reading, type StoreLayout, type TaskWithHistory } from '@shelfwatch/contracts';
import { countBackroom, fetchTasksWithHistory, ingest, startBackend, tokenOf } from './demo/backend-api.js';
import type { DemoSecrets } from './demo/secrets.js';

export interface ReplayOptions {
  name: string;
  batches: readonly Reading[][];
  layout: StoreLayout;
  layoutFile: string;
  secrets: DemoSecrets;
  /** Where the backend's database, config and log go. */
  dir: string;
  replayHours?: number;
  /** The live run's backroom count, given to the fresh backend before the readings. */
  backroom?: { sku: string; units: number }[];
}

export async function replayIntoFreshBackend(options: ReplayOptions): Promise<TaskWithHistory[]> {
  await mkdir(options.dir, { recursive: true });
  const backend = await startBackend(
    `backend-${options.name}`,
    {
      dir: options.dir,
      layoutFile: options.layoutFile,
      secrets: options.secrets,
      eventTime: eventTimeCovering(options.batches, Date.now()),
      ...(options.replayHours ? { replayHours: options.replayHours } : {}),
    },
    options.dir,
  );
  try {
    const url = String(backend.ready.url);
    if (options.backroom) await countBackroom(url, tokenOf(options.secrets, 'operations'), options.layout.store.id, options.backroom);
    await ingest(url, tokenOf(options.secrets, 'device'), options.secrets.gateway.id, options.batches);
    return await fetchTasksWithHistory(url, tokenOf(options.secrets, 'operations'), options.layout);
  } finally {
    await backend.proc.stop();
  }
}

/** An event-time bound that admits every reading replayed (they are a recorded run's, not live ones). */
function eventTimeCovering(batches: readonly Reading[][], nowMs: number): EventTimeBound {
  let min = nowMs;
  let max = nowMs;
  for (const batch of batches) {
    for (const r of batch) {
      min = Math.min(min, r.ts);
      max = Math.max(max, r.ts);
    }
  }
  const hour = 3_600_000;
  return { maxAheadMs: Math.max(DEFAULT_MAX_AHEAD_MS, max - nowMs + hour), maxAgeMs: Math.max(47 * hour, nowMs - min + 2 * hour) };
}
