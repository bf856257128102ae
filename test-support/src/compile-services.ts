import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { repoRoot } from './services.js';

/**
 * vitest globalSetup of the integration tests: they start the gateway, backend and
 * simulator from the compiled output, so it must match the sources under test.
 */
export default function compileServices(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b'], { cwd: repoRoot(), stdio: 'inherit' });
}
