import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DIST = path.resolve(import.meta.dirname, '../dist/src');

/** The CommonJS modules (playwright-core is one) a fresh node process has loaded after importing `entry`. */
async function modulesLoadedBy(entry: string): Promise<string[]> {
  const script = `import { createRequire } from 'node:module';
await import(process.argv[1]);
process.stderr.write(JSON.stringify({ loaded: Object.keys(createRequire(import.meta.url).cache) }) + '\\n');`;
  // node-opcua prints its start-up warnings on both streams: the answer is the last stderr line.
  const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script, entry]);
  const last = stderr.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(last) as { loaded: string[] }).loaded;
}

describe('importing the simulator', () => {
  it.each(['index.js', 'transports/index.js'])('%s loads no test helper (no playwright)', async (entry) => {
    const loaded = await modulesLoadedBy(path.join(DIST, entry));
    expect(loaded.some((m) => m.includes(`${path.sep}node-opcua`))).toBe(true);
    expect(loaded.filter((m) => /playwright/.test(m))).toEqual([]);
  });
});
