import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const service = fileURLToPath(new URL('../dist/test/fixtures/service.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the fake service; `afterReady` gets the child once its ready line is out. */
async function run(args: string[], mode: string, afterReady?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  const child = spawn(process.execPath, [service, ...args], { env: { ...process.env, FAKE_SERVICE: mode, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (afterReady && stdout.includes('\n')) {
      afterReady(child);
      afterReady = undefined;
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': the child's last output may still be in the pipes at exit.
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('runMain', () => {
  it('prints the ready line on stdout and exits 0 after a clean stop on SIGTERM', async () => {
    const r = await run(['--config', 'store.json'], 'ok', (child) => child.kill('SIGTERM'));
    const [ready, closed] = r.stdout.trim().split('\n');
    expect(JSON.parse(ready!)).toEqual({ event: 'ready', url: 'http://127.0.0.1:1', config: 'store.json' });
    expect(closed).toBe('closed');
    expect(r.code).toBe(0);
  });

  it('stops on SIGINT too, and takes -c for the config', async () => {
    const r = await run(['-c', 'store.json'], 'ok', (child) => child.kill('SIGINT'));
    expect(r.stdout).toContain('closed');
    expect(r.code).toBe(0);
  });

  it('exits 1 when stopping takes longer than the deadline', async () => {
    const r = await run(['--config', 'store.json'], 'hang', (child) => child.kill('SIGTERM'));
    expect(r.stderr).toContain('clean shutdown took too long');
    expect(r.code).toBe(1);
  });

  it('refuses a bad config with every problem on its own line, no stack trace, and exit code 2', async () => {
    const r = await run(['--config', 'store.json'], 'config-error');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('invalid config store.json:');
    expect(r.stderr).toMatch(/\n {2}- http\.port: expected a number\n {2}- tokens\[0\]\.token: too short/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('exits 2 with the usage when no config is given', async () => {
    const r = await run([], 'ok');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: main.js --config <file>');
  });

  it('exits 1 and logs why when the service fails to start', async () => {
    const r = await run(['--config', 'store.json'], 'crash');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr.trim().split('\n').at(-1)!)).toMatchObject({ level: 60, msg: 'failed to start', err: { message: 'cannot bind' } });
  });
});
