import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainRollupStatements } from '../src/index.js';

describe('chain rollups', () => {
  it('the plan in docs/chain-time-series.md gives the statements the code applies, word for word', async () => {
    const plan = await readFile(path.resolve(import.meta.dirname, '../../docs/chain-time-series.md'), 'utf8');
    for (const statement of chainRollupStatements()) expect(plan, statement).toContain(statement);
  });
});
