import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from './services.js';

const run = promisify(execFile);

/**
 * The CommonJS modules (playwright-core and most npm packages are) that a fresh node
 * process has loaded once it has imported `specifier` from the repository root: the
 * compiled output, resolved through the packages' exports as any consumer would.
 */
export async function commonJsModulesLoadedBy(specifier: string): Promise<string[]> {
  const script = `import { createRequire } from 'node:module';
await import(process.argv[1]);
process.stderr.write('\\n' + JSON.stringify({ loaded: Object.keys(createRequire(import.meta.url).cache) }) + '\\n');`;
  // Some libraries (node-opcua) print start-up warnings on both streams: the answer is the last stderr line.
  const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script, specifier], { cwd: repoRoot() });
  const last = stderr.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(last) as { loaded: string[] }).loaded;
}
