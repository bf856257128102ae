import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGroundTruth, readGroundTruthFile } from '../src/truth-schema.js';
import { atRisk, doorOpen, fault, oos, run } from './fixtures.js';

const good = run([oos('a1-s1-1', 60, 120), atRisk('case-deli', 100, 200), fault('door_ajar', 'case-deli', 90, 150), doorOpen('case-deli', 1, 2)]);
const stock = { type: 'stock', ts: 1, slotId: 'a1-s1-1', sku: 'PASTA-500', units: 3, cause: 'sale' };

describe('parseGroundTruth', () => {
  it('parses the simulator records and keeps the scoring ones', () => {
    const text = [...good.map((e) => JSON.stringify(e)), JSON.stringify(stock), ''].join('\n');
    const parsed = parseGroundTruth(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.events).toEqual(good);
    expect(parsed.dropped).toBe(1);
    expect(parseGroundTruth(text, { keepStockEvents: true }).events).toHaveLength(good.length + 1);
  });

  it('reports every bad line with its number and reason instead of skipping it', () => {
    const lines = [
      JSON.stringify(good[0]),
      '{not json',
      JSON.stringify({ type: 'out_of_stock', ts: 1, slotId: 'a1-s1-1', sku: 'X', startMs: 'soon', endMs: 2, minutes: 1, openAtEnd: false }),
      JSON.stringify({ type: 'meteor_strike', ts: 1 }),
      JSON.stringify({ ...stock, cause: 'theft' }),
    ];
    const parsed = parseGroundTruth(lines.join('\n'));
    expect(parsed.events).toHaveLength(1);
    expect(parsed.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(parsed.errors[0]!.message).toMatch(/not JSON/);
    expect(parsed.errors[1]!.message).toMatch(/startMs/);
    expect(parsed.errors[3]!.message).toMatch(/cause/);
  });
});

describe('readGroundTruthFile', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('streams a file with the same result as the string parser, CRLF included', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'eval-truth-'));
    const file = path.join(dir, 'truth.jsonl');
    const text = [...good.map((e) => JSON.stringify(e)), 'garbage'].join('\r\n');
    await writeFile(file, text);
    const parsed = await readGroundTruthFile(file);
    expect(parsed.events).toEqual(good);
    expect(parsed.errors).toEqual([{ line: good.length + 1, message: expect.stringMatching(/not JSON/) }]);
  });
});
