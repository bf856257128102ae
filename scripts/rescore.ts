/**
 * `npm run rescore -- <eval run dir> [--replay | --saved] [--only a,b] [--out file.json] [--against file.json]`:
 * judges a saved `npm run eval` run again with the rules as they are now, without simulating
 * it again. With `--replay` (the default), each scenario's readings, as its backend received
 * them (its SQLite, in arrival order), go into a fresh backend built from the current code,
 * given the run's backroom count first as the eval does; the tasks it raises before the run's
 * end are scored against the run's ground truth, as the eval scores the live ones. With
 * `--saved`, the tasks the run's own backend raised are scored as they are (for a change to
 * the scoring, not to the rules). With `--against` (an earlier `--out`), prints what changed
 * per scenario: the quick loop for rule work, before a full eval. The reproducibility re-runs
 * (`<scenario>-again`) are not scored, as in the eval.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { StoreLayout, TaskWithHistory, type Reading } from '@shelfwatch/contracts';
import { z } from 'zod';
import { openSqliteStorage } from '@shelfwatch/backend';
import { repoRoot } from '@shelfwatch/test-support';
import Database from 'better-sqlite3';
import { canonicalTasks, describeTaskDiff, diffTaskLists, formatTable, readGroundTruthFile, scoreRuns, type CanonicalTask, type RunInput } from '../eval/src/index.js';
import { DemoSecrets } from './demo/secrets.js';
import { replayIntoFreshBackend } from './replay.js';

const ROOT = repoRoot(import.meta.dirname);
const BATCH = 500;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      scenarios: { type: 'string' },
      replay: { type: 'boolean' },
      saved: { type: 'boolean' },
      out: { type: 'string' },
      against: { type: 'string' },
    },
  });
  const runDir = positionals[0];
  if (!runDir || (values.replay && values.saved)) {
    process.stderr.write('usage: rescore <eval run dir> [--replay | --saved] [--only a,b] [--out file.json] [--against file.json]\n');
    return 2;
  }
  const only = values.only ?? values.scenarios;
  const secrets = DemoSecrets.parse(JSON.parse(await readFile(path.join(ROOT, 'config/demo/api.demo.json'), 'utf8')));
  const names = only?.split(',') ?? (await readdir(runDir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.endsWith('-again')).map((d) => d.name).sort();
  const previous = values.against ? (JSON.parse(await readFile(values.against, 'utf8')) as Record<string, CanonicalTask[]>) : null;
  const work = await mkdtemp(path.join(tmpdir(), 'shelfwatch-rescore-'));
  const runs: RunInput[] = [];
  const tasksByScenario: Record<string, CanonicalTask[]> = {};
  try {
    for (const name of names) {
      const dir = path.join(runDir, name);
      const layoutFile = path.join(dir, 'store.json');
      const layout = StoreLayout.parse(JSON.parse(await readFile(layoutFile, 'utf8')));
      const truth = await readGroundTruthFile(path.join(dir, 'ground-truth.jsonl'));
      const end = truth.events.find((e) => e.type === 'run_end')?.ts;
      if (end === undefined) throw new Error(`${name}: the ground truth has no run_end line (an unfinished run?)`);
      const readings = receivedReadings(path.join(dir, 'backend.sqlite'));
      const started = Date.now();
      let tasks: TaskWithHistory[];
      if (values.saved) {
        tasks = await savedTasks(dir, path.join(work, `${name}.sqlite`));
      } else {
        const batches: Reading[][] = [];
        for (let i = 0; i < readings.length; i += BATCH) batches.push(readings.slice(i, i + BATCH));
        const backroom = truth.events.flatMap((e) => (e.type === 'backroom' && e.cause === 'initial' ? [{ sku: e.sku, units: e.units }] : []));
        tasks = await replayIntoFreshBackend({ name, batches, layout, layoutFile, secrets, backroom, dir: path.join(work, name), replayHours: (end - readings[0]!.ts) / 3_600_000 + 2 });
      }
      const trading = tasks.filter((t) => t.raisedAt < end);
      runs.push({ truth: truth.events, tasks: trading, layout });
      tasksByScenario[name] = canonicalTasks(tasks, { untilMs: end });
      process.stderr.write(`[rescore] ${name}: ${readings.length} readings, ${trading.length} tasks (${Math.round((Date.now() - started) / 1000)} s)\n`);
      const before = previous?.[name];
      if (before) {
        const diff = diffTaskLists(before, tasksByScenario[name]);
        if (!diff.same) process.stderr.write(`${describeTaskDiff(diff, { reference: 'before', other: 'now' }, 20)}\n`);
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  process.stdout.write(`${formatTable(scoreRuns(runs))}\n`);
  if (values.out) await writeFile(values.out, JSON.stringify(tasksByScenario));
  return 0;
}

/**
 * The tasks a run scored: its `tasks.json`, or for runs from before the eval kept it, what its
 * backend holds (a copy of the database: opening migrates), which may add tasks raised while
 * the devices went offline at the end.
 */
async function savedTasks(dir: string, copy: string): Promise<TaskWithHistory[]> {
  const kept = await readFile(path.join(dir, 'tasks.json'), 'utf8').catch(() => null);
  if (kept !== null) return z.array(TaskWithHistory).parse(JSON.parse(kept));
  const dbFile = path.join(dir, 'backend.sqlite');
  await copyFile(dbFile, copy);
  await copyFile(`${dbFile}-wal`, `${copy}-wal`).catch(() => undefined);
  const storage = openSqliteStorage(copy);
  try {
    const tasks = await storage.tasks.list({ limit: Number.MAX_SAFE_INTEGER });
    return await Promise.all(tasks.map(async (t) => ({ ...t, history: await storage.tasks.history(t.id) })));
  } finally {
    await storage.close();
  }
}

/**
 * The readings a run's backend accepted while the run's tasks were read, in the order they
 * arrived (SQLite rowid order; a re-sent duplicate keeps its first place, as the backend
 * ignores it). The store run keeps every reading of the run (its backend replays
 * `durationS + 2 h`). Not the offline reports that end the table: they come from unplugging
 * the devices after the tasks were read (store-run.ts), are dated when each device was last
 * heard, before the end, and would raise offline tasks during trading that the run never had.
 */
function receivedReadings(dbFile: string): Reading[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const readings = db
      .prepare('SELECT body FROM recent_readings ORDER BY rowid')
      .pluck()
      .all()
      .map((body) => JSON.parse(body as string) as Reading);
    let end = readings.length;
    while (end > 0 && isOfflineReport(readings[end - 1]!)) end--;
    return readings.slice(0, end);
  } finally {
    db.close();
  }
}

function isOfflineReport(r: Reading): boolean {
  return r.kind === 'device.status' && !r.online;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`rescore failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
