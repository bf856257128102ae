import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EvalScores } from './score-run.js';

/**
 * Writes the scores as JSON (eval/results/latest.json in `npm run eval`). `meta` (machine,
 * seeds, wall time...) is written first, beside the scores; a meta key never replaces a score.
 * Written to a temporary file and renamed, so a reader never sees half a file.
 */
export async function writeResults(scores: EvalScores, file: string, meta: Record<string, unknown> = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ ...meta, ...scores }, null, 2)}\n`);
  await rename(tmp, file);
}
