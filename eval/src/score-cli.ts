/**
 * Re-scores saved runs without re-running them:
 *   tsx eval/src/score-cli.ts --run truth.jsonl,tasks.json,layout.json [--run ...] [--out eval/results/latest.json]
 * tasks.json: an array of tasks or the `{ tasks }` body of GET /api/v1/tasks. Prints the table;
 * exits 1 when any ground-truth line was invalid (after reporting each and scoring the rest).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { StoreLayout } from '@shelfwatch/contracts';
import { formatTable } from './format-table.js';
import { parseTasks } from './parse-tasks.js';
import { scoreRuns, type RunInput } from './score-run.js';
import { readGroundTruthFile } from './truth-schema.js';
import { writeResults } from './write-results.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { run: { type: 'string', multiple: true }, out: { type: 'string' } } });
  const specs = values.run ?? [];
  if (specs.length === 0) {
    process.stderr.write('usage: score-cli --run truth.jsonl,tasks.json,layout.json [--run ...] [--out file.json]\n');
    return 2;
  }
  const runs: RunInput[] = [];
  let badLines = 0;
  for (const spec of specs) {
    const [truthFile, tasksFile, layoutFile] = spec.split(',');
    if (!truthFile || !tasksFile || !layoutFile) throw new Error(`--run needs truth,tasks,layout: '${spec}'`);
    const truth = await readGroundTruthFile(truthFile);
    for (const e of truth.errors.slice(0, 20)) process.stderr.write(`${truthFile}:${e.line}: ${e.message}\n`);
    if (truth.errors.length > 20) process.stderr.write(`${truthFile}: ${truth.errors.length - 20} more invalid lines\n`);
    badLines += truth.errors.length;
    const tasks = parseTasks(JSON.parse(await readFile(tasksFile, 'utf8')));
    const layout = StoreLayout.parse(JSON.parse(await readFile(layoutFile, 'utf8')));
    runs.push({ truth: truth.events, tasks, layout });
  }
  const scores = scoreRuns(runs);
  process.stdout.write(`${formatTable(scores)}\n`);
  if (values.out) await writeResults(scores, values.out, { truthLineErrors: badLines });
  return badLines > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`score-cli failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
