import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, spawnService, type ManagedProcess, type TempDir } from '@shelfwatch/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureLayout } from './support/fixture-layout.js';

describe('backend process (main.ts)', () => {
  let dir: TempDir | undefined;
  let proc: ManagedProcess | undefined;
  afterAll(async () => {
    await proc?.stop();
    await dir?.remove();
  });

  it('prints the ready line, serves, takes secrets from env and exits cleanly on SIGTERM', async () => {
    dir = await makeTempDir('backend-main');
    const layoutFile = path.join(dir.path, 'layout.json');
    await writeFile(layoutFile, JSON.stringify(fixtureLayout()));
    const configFile = path.join(dir.path, 'backend.yaml');
    await writeFile(
      configFile,
      [
        'http: { host: 127.0.0.1, port: 0 }',
        `dbPath: ${path.join(dir.path, 'db.sqlite')}`,
        `layoutFiles: [${layoutFile}]`,
        'tokens:',
        '  - { token: "env:SW_TEST_STAFF_TOKEN", role: staff, subject: alice }',
        'suppliers:',
        '  dairyco: { webhookUrl: "http://127.0.0.1:9/x", webhookSecret: "env:SW_TEST_DAIRY_SECRET" }',
      ].join('\n'),
    );
    proc = spawnService('backend', ['--config', configFile], {
      env: { ...process.env, SW_TEST_STAFF_TOKEN: 'staff-token-from-env-0123456789', SW_TEST_DAIRY_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', LOG_LEVEL: 'warn' },
    });
    const ready = await new Promise<{ event: string; url: string }>((resolve, reject) => {
      let out = '';
      proc?.child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { event: string; url: string });
      });
      void proc?.exited.then(() => reject(new Error(`exited before ready:\n${proc?.output() ?? ''}`)));
    });
    expect(ready.event).toBe('ready');
    const res = await fetch(`${ready.url}/api/v1/tasks`, { headers: { authorization: 'Bearer staff-token-from-env-0123456789' } });
    expect(res.status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});
