import path from 'node:path';
import { scenarioFromObject, type Scenario } from '@shelfwatch/firmware-sim';
import { makeTempDir, spawnManaged, type ManagedProcess, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalTasks, deliveryBatches, describeTaskDiff, diffTaskLists, tolerances, type CanonicalTask } from '../../eval/src/index.js';
import { tinyScenario } from '../../firmware-sim/test/fixtures/tiny-scenario.js';
import { replayIntoFreshBackend } from '../replay.js';
import { runStore, type StoreRunResult } from '../store-run.js';

/**
 * Same events → same tasks: one short scenario run end to end at 60× and at 600× with a CPU
 * hog beside it, and once more as a replay of the readings the backend received, in shuffled
 * arrival order within the reordering window. Not a timing test: nothing is asserted about
 * how fast anything is, only that the three task lists (kind, place, raise/update/resolve
 * event times, instructions) are the same.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const SEED = 5;

/** The tiny store (one shelf, one camera, one door case) with something for every rule family within 40 simulated minutes. */
async function scenario(startTime: string): Promise<Scenario> {
  return scenarioFromObject(
    tinyScenario({
      settings: {
        startTime,
        durationS: '40m',
        demand: { skuUnitsPerDay: { 'PASTA-500': 300, 'BEANS-415': 40 } },
        initialStock: { slots: { 's1-1': 5 } },
        backroom: { skus: { 'PASTA-500': 0 } },
        cameras: { scanIntervalS: 30 },
        probes: { intervalS: 30 },
      },
      timeline: [
        { at: '3m', type: 'door_ajar', caseId: 'case-1', forS: '25m' },
        { at: '6m', type: 'probe_disconnect', probeId: 'probe-1p', forS: '20m' },
        { at: '8m', type: 'misplace_product', slotId: 's1-2', sku: 'PASTA-500', units: 3, forS: '25m' },
      ],
    }),
  );
}

let dir: TempDir;
let slow: StoreRunResult;
let fast: StoreRunResult;
let hog: ManagedProcess | undefined;

/** Runs the scenario end to end; `busy` keeps a CPU-bound process running beside it meanwhile. */
async function run(s: Scenario, speed: number, name: string, busy = false): Promise<StoreRunResult> {
  hog = busy ? spawnManaged(process.execPath, ['-e', 'for (;;) {}']) : undefined;
  try {
    return await runStore({ scenario: s, seed: SEED, speed, shiftToToday: false, secretsFile: path.join(ROOT, 'config/demo/api.demo.json'), runDir: path.join(dir.path, name) });
  } finally {
    await hog?.kill('SIGKILL');
    hog = undefined;
  }
}

const tasksOf = (r: StoreRunResult): CanonicalTask[] => canonicalTasks(r.tasks, { untilMs: r.simEndMs });

describe('same events, same tasks (end to end)', () => {
  beforeAll(async () => {
    dir = await makeTempDir('determinism');
    // Yesterday at 10:00 (recent enough for InfluxDB's raw retention), the same for every run.
    const start = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000 + 9 * 3_600_000).toISOString();
    const s = await scenario(start);
    slow = await run(s, 60, 'speed-60');
    fast = await run(s, 600, 'speed-600-busy', true);
  }, 600_000);
  afterAll(async () => {
    await hog?.kill('SIGKILL');
    await dir?.remove();
  });

  it('the devices send the same readings at 60× and at 600× beside a CPU hog', () => {
    expect(fast.readingsSentByKind).toEqual(slow.readingsSentByKind);
    expect(fast.pointsInInfluxByKind).toEqual(fast.readingsSentByKind);
    expect(new Set(fast.received.map((r) => r.id))).toEqual(new Set(slow.received.map((r) => r.id)));
  });

  it('raises the same tasks at 60× and at 600× beside a CPU hog', () => {
    const reference = tasksOf(slow);
    expect(reference.length).toBeGreaterThan(0);
    const diff = diffTaskLists(reference, tasksOf(fast));
    expect(diff.same, describeTaskDiff(diff, { reference: 'the run at 60×', other: 'the run at 600× beside a CPU hog' })).toBe(true);
  });

  it('raises the same tasks when the same readings arrive shuffled within the reordering window', async () => {
    const replayed = await replayIntoFreshBackend({
      name: 'shuffled',
      batches: deliveryBatches(slow.received, 'shuffled', { windowMs: tolerances.REORDERING_WINDOW_MS, seed: SEED }),
      layout: slow.layout,
      layoutFile: slow.layoutFile,
      backroom: slow.backroom,
      secrets: slow.secrets,
      dir: path.join(dir.path, 'replay-shuffled'),
    });
    const diff = diffTaskLists(tasksOf(slow), canonicalTasks(replayed, { untilMs: slow.simEndMs }));
    expect(diff.same, describeTaskDiff(diff, { reference: 'the run at 60×', other: 'the shuffled replay' })).toBe(true);
  });
});
