/**
 * `npm run eval`: runs the simulator's scenarios through the whole system (sim → gateway
 * → InfluxDB + backend) and scores the tasks raised against the simulator's ground truth;
 * replays what the backend received into fresh backends late, shuffled and as a backlog
 * and compares their tasks with the live ones; runs one scenario (a different one each
 * time) twice to show whether the figures are reproducible. Prints a table and writes
 * eval/results/latest.json.
 *
 *   EVAL_SPEED      simulated seconds per wall second (default 2000)
 *   EVAL_SEED       default 1
 *   EVAL_SCENARIOS  comma-separated scenario names (default: all but large-store)
 *   EVAL_REPEAT     the scenario to run twice (default: the one after last time's)
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@shelfwatch/test-support';
import { loadScenario } from '@shelfwatch/firmware-sim';
import {
  canonicalTasks,
  DELIVERY_MODES,
  deliveryBatches,
  describeTaskDiff,
  diffTaskLists,
  formatTable,
  readGroundTruthFile,
  scoreRun,
  scoreRuns,
  tolerances,
  writeResults,
  type CanonicalTask,
  type DeliveryMode,
  type RunInput,
  type TaskListDiff,
} from '../eval/src/index.js';
import { replayIntoFreshBackend } from './replay.js';
import { runStore, type StoreRunResult } from './store-run.js';

// stdout carries only this command's result (its last line is machine-readable JSON);
// libraries that log with console.log (node-opcua's start-up warnings) go to stderr.
console.log = console.error;

const ROOT = repoRoot(import.meta.dirname);
const SCENARIO_DIR = path.join(ROOT, 'firmware-sim/scenarios');
const RESULTS_FILE = path.join(ROOT, 'eval/results/latest.json');
/** The large store is for load (npm run bench); its hour of trading has nothing to score. */
const SKIPPED = new Set(['large-store']);

/** Simulated seconds per wall second: the whole evaluation in about 15 minutes on two cores. */
const DEFAULT_SPEED = 2000;

const log = (text: string) => process.stderr.write(`[eval] ${text}\n`);

interface DeliveryTally {
  extraTasks: number;
  missingTasks: number;
  changedTasks: number;
  maxDelayS: number | null;
}

async function main(): Promise<void> {
  const speed = Number(process.env.EVAL_SPEED ?? DEFAULT_SPEED);
  const seed = Number(process.env.EVAL_SEED ?? 1);
  const names = process.env.EVAL_SCENARIOS
    ? process.env.EVAL_SCENARIOS.split(',')
    : (await readdir(SCENARIO_DIR))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''))
        .filter((n) => !SKIPPED.has(n))
        .sort();
  const repeat = process.env.EVAL_REPEAT ?? (await nextInTurn(names));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const evalDir = path.join(ROOT, '.eval', stamp);
  const runs: (RunInput & { name: string })[] = [];
  const perScenario: Record<string, unknown> = {};
  const delivery = Object.fromEntries(DELIVERY_MODES.map((m) => [m, emptyTally()])) as Record<DeliveryMode, DeliveryTally>;
  const deliveryExamples: string[] = [];
  let reproducible: { scenario: string; same: boolean; differences: string } | null = null;
  const started = Date.now();
  let replaying: Promise<void> = Promise.resolve();

  const replayDeliveries = async (name: string, runDir: string, result: StoreRunResult, reference: CanonicalTask[]) => {
    const replaysStarted = Date.now();
    const diffs = await Promise.all(
      DELIVERY_MODES.map(async (mode) => {
        const replayed = await replayIntoFreshBackend({
          name: mode,
          batches: deliveryBatches(result.received, mode, { windowMs: tolerances.REORDERING_WINDOW_MS, seed }),
          layout: result.layout,
          layoutFile: result.layoutFile,
          backroom: result.backroom,
          secrets: result.secrets,
          dir: path.join(runDir, `replay-${mode}`),
          replayHours: result.simulatedSeconds / 3600 + 2,
        });
        return { mode, diff: diffTaskLists(reference, canonicalTasks(replayed, { untilMs: result.simEndMs })) };
      }),
    );
    log(`  ${name}: replays took ${seconds(replaysStarted)} s`);
    return diffs;
  };

  const live = async (name: string, runDir: string): Promise<StoreRunResult> => {
    const result = await runStore({
      scenario: await loadScenario(path.join(SCENARIO_DIR, `${name}.json`)),
      seed,
      speed,
      secretsFile: path.join(ROOT, 'config/demo/api.demo.json'),
      runDir,
      onProgress: (p) => process.stderr.write(`\r[eval]   sim ${new Date(p.simTimeMs).toISOString()}  readings ${p.readingsSent}   `),
    });
    process.stderr.write('\n');
    return result;
  };

  for (const [i, name] of names.entries()) {
    const scenarioStarted = Date.now();
    log(`${i + 1}/${names.length} ${name} at ${speed}x`);
    const runDir = path.join(evalDir, name);
    const result = await live(name, runDir);
    log(`  live run: ${seconds(scenarioStarted)} s (simulation ${result.simWallS} s, clock waited ${JSON.stringify(result.clockWaitMs)} ms), ${result.received.length} readings at the backend`);
    const truth = await readGroundTruthFile(result.groundTruthPath);
    if (truth.errors.length > 0) throw new Error(`${name}: ${truth.errors.length} bad ground-truth lines, first: ${truth.errors[0]?.message ?? ''}`);
    // Tasks raised when the simulator stopped (every device going offline) are not part of
    // the scenario; the ground truth ends there too.
    const trading = result.tasks.filter((t) => t.raisedAt < result.simEndMs);
    // What was scored, for `npm run rescore -- --saved` after a change to the scoring.
    await writeFile(path.join(runDir, 'tasks.json'), JSON.stringify(result.tasks));
    const run = { name, truth: truth.events, tasks: trading, layout: result.layout };
    runs.push(run);
    const scores = scoreRun(run);

    // The same readings, delivered otherwise, into fresh backends (side by side: each is one
    // process), while the next scenario runs live: its start-up and the simulator's waits leave
    // the cores idle, and neither depends on the other's timing (the simulator's clock waits
    // for its transports, the replays' backends take event time from the readings).
    const reference = canonicalTasks(result.tasks, { untilMs: result.simEndMs });
    await replaying;
    const deliveryDiffs: Record<string, DeliveryTally> = {};
    replaying = replayDeliveries(name, runDir, result, reference).then((diffs) => {
      for (const { mode, diff } of diffs) {
        deliveryDiffs[mode] = tallyOf(diff);
        addTally(delivery[mode], diff);
        if (!diff.same) {
          const text = describeTaskDiff(diff, { reference: `${name} live`, other: `${name} ${mode}` }, 8);
          log(text);
          if (deliveryExamples.length < 40) deliveryExamples.push(...text.split('\n').slice(0, 40 - deliveryExamples.length));
        }
      }
      log(`  ${name}: replays ${JSON.stringify(deliveryDiffs)}`);
    });
    // A failed replay surfaces where it is awaited (and ends the eval with its message), not as an
    // unhandled rejection that kills the process while the next live run's processes are up.
    replaying.catch(() => undefined);

    if (name === repeat) {
      log(`  ${name} again, to check the figures are reproducible`);
      const again = await live(name, path.join(evalDir, `${name}-again`));
      const diff = diffTaskLists(reference, canonicalTasks(again.tasks, { untilMs: again.simEndMs }));
      reproducible = { scenario: name, same: diff.same, differences: describeTaskDiff(diff, { reference: 'first run', other: 'second run' }) };
      log(`  ${reproducible.differences}`);
    }

    perScenario[name] = {
      wallSeconds: seconds(scenarioStarted),
      simulationWallSeconds: result.simWallS,
      clockWaitMs: result.clockWaitMs,
      simulatedSeconds: result.simulatedSeconds,
      readingsSent: result.readingsSent,
      pointsInInflux: result.pointsInInflux,
      readingsSentByKind: result.readingsSentByKind,
      pointsInInfluxByKind: result.pointsInInfluxByKind,
      readingsAtBackend: result.received.length,
      tasksByKind: result.tasksByKind,
      outOfStock: pick(scores.outOfStock),
      planogram: pick(scores.planogram),
      coldChain: pick(scores.coldChain),
      sensorFault: pick(scores.sensorFault),
      storeOutage: { ...pick(scores.storeOutage), tasksPerOutage: scores.storeOutage.tasksPerOutage },
      falseAlarmsPerCaseDay: scores.falseAlarmsPerCaseDay,
      delivery: deliveryDiffs,
    };
    log(`  ${name}: sent ${JSON.stringify(result.readingsSentByKind)}, in InfluxDB ${JSON.stringify(result.pointsInInfluxByKind)}`);
    log(`  ${name}: tasks ${JSON.stringify(result.tasksByKind)}`);
  }
  await replaying;

  const pooled = scoreRuns(runs);
  // Normal operation (for false alarms): runs with nothing injected into cases or devices and no setpoint changed.
  const normal = runs.filter((r) => !r.truth.some((e) => e.type === 'fault' || e.type === 'setpoint'));
  const normalScores = normal.length > 0 ? scoreRuns(normal) : null;
  const deliverySummary = {
    windowS: tolerances.REORDERING_WINDOW_MS / 1000,
    ...Object.values(delivery).reduce((a, b) => mergeTallies(a, b), emptyTally()),
    byMode: delivery,
    examples: deliveryExamples,
  };
  const extras = {
    delivery: deliverySummary,
    reproducible: reproducible?.same ?? null,
    reproducibility: reproducible,
  };
  process.stdout.write(`${formatTable(pooled)}\n${formatExtras(extras)}\n`);
  await writeResults(
    // falseAlarmsPerCaseDay: over normal operation only (defrosts and door openings included),
    // what a store sees on ordinary days; the pooled figure over every run stays in perScenario.
    { ...pooled, falseAlarmsPerCaseDay: normalScores?.falseAlarmsPerCaseDay ?? null },
    RESULTS_FILE,
    {
      speed,
      seed,
      scenarios: names,
      normalOperationScenarios: normal.map((r) => r.name),
      wallSeconds: seconds(started),
      measuredAt: new Date().toISOString(),
      ...extras,
      perScenario,
    },
  );
  log(`wrote ${path.relative(ROOT, RESULTS_FILE)}`);
}

/** The scenario after the one last run twice (alphabetical, wrapping): each run checks another. */
async function nextInTurn(names: readonly string[]): Promise<string> {
  const previous = await readFile(RESULTS_FILE, 'utf8')
    .then((text) => (JSON.parse(text) as { reproducibility?: { scenario?: string } | null }).reproducibility?.scenario)
    .catch(() => undefined);
  const i = previous === undefined ? -1 : names.indexOf(previous);
  return names[(i + 1) % names.length] ?? names[0] ?? '';
}

function seconds(sinceMs: number): number {
  return Math.round((Date.now() - sinceMs) / 1000);
}

function emptyTally(): DeliveryTally {
  return { extraTasks: 0, missingTasks: 0, changedTasks: 0, maxDelayS: null };
}

function tallyOf(diff: TaskListDiff): DeliveryTally {
  return { extraTasks: diff.extra.length, missingTasks: diff.missing.length, changedTasks: diff.changed.length, maxDelayS: diff.maxDelayS };
}

function mergeTallies(a: DeliveryTally, b: DeliveryTally): DeliveryTally {
  const delays = [a.maxDelayS, b.maxDelayS].filter((d): d is number => d !== null);
  return {
    extraTasks: a.extraTasks + b.extraTasks,
    missingTasks: a.missingTasks + b.missingTasks,
    changedTasks: a.changedTasks + b.changedTasks,
    maxDelayS: delays.length > 0 ? Math.max(...delays) : null,
  };
}

function addTally(into: DeliveryTally, diff: TaskListDiff): void {
  Object.assign(into, mergeTallies(into, tallyOf(diff)));
}

function formatExtras(extras: { delivery: DeliveryTally & { windowS: number; byMode: Record<string, DeliveryTally> }; reproducible: boolean | null; reproducibility: { scenario: string } | null }): string {
  const d = extras.delivery;
  const modes = Object.entries(d.byMode)
    .map(([m, t]) => `${m} +${t.extraTasks}/-${t.missingTasks}/~${t.changedTasks}`)
    .join(', ');
  return [
    `delivery (replays within the ${d.windowS / 60}-min reordering window): extra tasks ${d.extraTasks} (goal 0), missing ${d.missingTasks}, changed ${d.changedTasks}, max delay ${d.maxDelayS ?? '—'} s [${modes}]`,
    `reproducible: ${extras.reproducible === null ? '—' : String(extras.reproducible)}${extras.reproducibility ? ` (${extras.reproducibility.scenario} run twice)` : ''}`,
  ].join('\n');
}

function pick(s: { precision: number | null; recall: number | null; medianDelayS: number | null; worstDelayS: number | null }) {
  return { precision: s.precision, recall: s.recall, medianDelayS: s.medianDelayS, worstDelayS: s.worstDelayS };
}

main().catch((err: unknown) => {
  process.stderr.write(`eval failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
