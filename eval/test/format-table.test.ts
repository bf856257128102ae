import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDuration, formatTable } from '../src/format-table.js';
import { scoreRun } from '../src/score-run.js';
import { writeResults } from '../src/write-results.js';
import { layout, oos, run, task } from './fixtures.js';

const scores = scoreRun({ truth: run([oos('a1-s1-1', 60, 120), oos('a1-s1-2', 60, 120)]), tasks: [task('out_of_stock', 'slot:a1-s1-1', 63)], layout });

describe('formatTable', () => {
  it('prints one row per section with percentages, delays and dashes for unknowns', () => {
    const table = formatTable(scores);
    const row = table.split('\n').find((l) => l.startsWith('out of stock'))!;
    expect(row).toMatch(/100\.0 %\s+50\.0 %\s+3\.0 min\s+3\.0 min\s+1\s+0\s+0\s+2\s+1\s+1\s+0\s+0$/);
    expect(table.split('\n').find((l) => l.startsWith('planogram'))).toMatch(/—\s+—\s+—\s+—/);
    expect(table).toMatch(/false alarms per case per day: 0\.000/);
  });

  it('formats durations in the largest sensible unit', () => {
    expect([formatDuration(null), formatDuration(45), formatDuration(450), formatDuration(9000)]).toEqual(['—', '45 s', '7.5 min', '2.5 h']);
  });
});

describe('writeResults', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('writes the results file: the scores, with meta beside them', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'eval-results-'));
    const file = path.join(dir, 'results', 'latest.json');
    await writeResults(scores, file, { machine: { cores: 2 }, outOfStock: 'must not win' });
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const section of ['outOfStock', 'planogram', 'coldChain']) {
      expect(Object.keys(json[section]!)).toEqual(expect.arrayContaining(['precision', 'recall', 'medianDelayS', 'worstDelayS']));
    }
    expect(json.outOfStock!.recall).toBe(0.5);
    expect(json).toHaveProperty('falseAlarmsPerCaseDay', 0);
    expect(json.machine).toEqual({ cores: 2 });
  });
});
