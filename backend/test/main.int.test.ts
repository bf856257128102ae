import { access, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeTempDir, spawnService, startService, waitUntil, type ManagedProcess, type TempDir } from '@shelfwatch/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureLayout } from './support/fixture-layout.js';
import { probe } from './support/readings.js';

async function spawnBackend(configFile: string, env: Record<string, string> = {}): Promise<{ proc: ManagedProcess; url: string }> {
  const { proc, ready } = await startService('backend', configFile, { env });
  return { proc, url: ready.url };
}

describe('backend process (main.ts)', () => {
  let dir: TempDir | undefined;
  let proc: ManagedProcess | undefined;
  const servers: net.Server[] = [];
  afterAll(async () => {
    await proc?.stop();
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    await dir?.remove();
  });

  it('prints the ready line, serves, takes secrets from env and exits cleanly on SIGTERM', async () => {
    // Relative paths in the file are relative to the file's folder, not to the working directory.
    dir = await makeTempDir('backend-main');
    const layoutFile = path.join(dir.path, 'layout.json');
    await writeFile(layoutFile, JSON.stringify(fixtureLayout()));
    const configFile = path.join(dir.path, 'backend.yaml');
    await writeFile(
      configFile,
      [
        'http: { host: 127.0.0.1, port: 0 }',
        'dbPath: data/db.sqlite',
        'layoutFiles: [layout.json]',
        'tokens:',
        '  - { token: "env:SW_TEST_STAFF_TOKEN", role: staff, subject: alice }',
        'suppliers:',
        '  dairyco: { webhookUrl: "http://127.0.0.1:9/x", webhookSecret: "env:SW_TEST_DAIRY_SECRET" }',
        'webhooks: { allowPrivateNetworks: [127.0.0.1/32] }',
      ].join('\n'),
    );
    let ready;
    ({ proc, url: ready } = await spawnBackend(configFile, { SW_TEST_STAFF_TOKEN: 'staff-3e4cf654c168ac55cb4a3cb152f41744', SW_TEST_DAIRY_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }));
    const res = await fetch(`${ready}/api/v1/tasks`, { headers: { authorization: 'Bearer staff-3e4cf654c168ac55cb4a3cb152f41744' } });
    expect(res.status).toBe(200);
    await access(path.join(dir.path, 'data', 'db.sqlite'));
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses a bad config with every problem on its own line, no stack trace, and exit code 2', async () => {
    dir ??= await makeTempDir('backend-main');
    const configFile = path.join(dir.path, 'backend-bad.yaml');
    await writeFile(configFile, ['http: { port: -1 }', 'dbPath: bad.sqlite', 'tokens:', '  - { token: "env:SW_TEST_UNSET_TOKEN", role: boss, subject: alice }'].join('\n'));
    const bad = spawnService('backend', ['--config', configFile], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    expect(await bad.exited).toEqual({ code: 2, signal: null });
    const lines = bad.output().split('\n');
    expect(lines).toContain(`invalid backend config in ${configFile}:`);
    expect(lines).toContain('  - tokens[0].token: environment variable SW_TEST_UNSET_TOKEN is not set');
    expect(lines.some((l) => l.startsWith('  - http.port: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('  - tokens[0].role: '))).toBe(true);
    expect(bad.output()).not.toMatch(/^\s+at /m);
  });

  it('stops on SIGTERM within seconds while busy: ingest load, a feed client, and an InfluxDB that accepts but never answers', async () => {
    dir ??= await makeTempDir('backend-main');
    // A hung InfluxDB: connections are accepted, requests never answered.
    const hung = net.createServer((socket) => socket.resume());
    servers.push(hung);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const layoutFile = path.join(dir.path, 'layout-busy.json');
    await writeFile(layoutFile, JSON.stringify(fixtureLayout()));
    const configFile = path.join(dir.path, 'backend-busy.json');
    const tokens = { device: 'device-busy-3d5a0ae7bf4d604b612f4b5ef4e7049e', staff: 'staff-busy-1be0f005c741577d667b788125388721' };
    await writeFile(
      configFile,
      JSON.stringify({
        http: { host: '127.0.0.1', port: 0 },
        dbPath: path.join(dir.path, 'busy.sqlite'),
        layoutFiles: [layoutFile],
        tokens: [
          { token: tokens.device, role: 'device', subject: 'gw-1' },
          { token: tokens.staff, role: 'staff', subject: 'alice' },
        ],
        influx: { url: `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}` },
      }),
    );
    const busy = await spawnBackend(configFile);
    proc = busy.proc;
    const feed = await fetch(`${busy.url}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${tokens.staff}` } });
    expect(feed.status).toBe(200);
    let stop = false;
    let seq = 0;
    const load = (async () => {
      while (!stop) {
        const readings = Array.from({ length: 200 }, () => probe(Date.now() - 60_000, 9, `probe-4a:busy-${++seq}`));
        await fetch(`${busy.url}/api/v1/ingest`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.device}`, 'content-type': 'application/json' },
          body: JSON.stringify({ gatewayId: 'gw-1', readings }),
        }).catch(() => (stop = true));
      }
    })();
    await waitUntil(() => seq >= 2000, { timeoutMs: 30_000, what: 'ingest load to run' });
    const signalled = Date.now();
    busy.proc.child.kill('SIGTERM');
    const exit = await Promise.race([busy.proc.exited, delay(8_000).then(() => 'still running after 8 s')]);
    stop = true;
    await load;
    await feed.body?.cancel().catch(() => undefined);
    expect(exit, busy.proc.output()).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(8_000);
  });
});
