import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, spawnService, type BrokerHandle, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthBroker } from './fixtures/auth-broker.js';
import { TINY_CREDENTIALS, tinyScenario } from './fixtures/tiny-scenario.js';

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnService('sim', args);
  let stdout = '';
  let stderr = '';
  proc.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const { code } = await proc.exited;
  return { code, stdout, stderr };
}

describe('npm run sim (cli)', () => {
  let broker: BrokerHandle;
  let dir: TempDir;
  beforeAll(async () => {
    broker = await startAuthBroker('tiny-store', TINY_CREDENTIALS);
    dir = await makeTempDir('sim-cli');
    await writeFile(path.join(dir.path, 'credentials.json'), JSON.stringify(TINY_CREDENTIALS));
  });
  afterAll(async () => {
    await broker.close();
    await dir.remove();
  });

  it('runs a scenario, shows progress on stderr and prints the summary JSON on stdout', async () => {
    const scenarioFile = path.join(dir.path, 'tiny.json');
    await writeFile(scenarioFile, JSON.stringify(tinyScenario({ settings: { startTime: '2026-03-02T12:00:00Z', durationS: 600, probes: { intervalS: 30 } } })));
    const truth = path.join(dir.path, 'truth.jsonl');
    const { code, stdout, stderr } = await runCli([
      '--scenario', scenarioFile, '--speed', '1200', '--seed', '2', '--mqtt-url', broker.url,
      '--credentials', path.join(dir.path, 'credentials.json'), '--work-dir', path.join(dir.path, 'work'), '--duration', '300', '--ground-truth', truth,
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain('readings sent');
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { simulatedS: number; readingsSent: number; readingsByKind: Record<string, number>; groundTruthPath: string };
    expect(summary.simulatedS).toBe(300);
    expect(summary.readingsByKind.probe).toBeGreaterThan(0);
    expect(summary.readingsSent).toBeGreaterThan(summary.readingsByKind.probe!);
    expect(summary.groundTruthPath).toBe(truth);
  });

  it('rejects a bad scenario naming the file, the path inside it and the problem', async () => {
    const scenarioFile = path.join(dir.path, 'bad.json');
    await writeFile(scenarioFile, JSON.stringify(tinyScenario({ timeline: [{ at: 10, type: 'probe_stuck', probeId: 'probe-x' }] })));
    const { code, stderr } = await runCli(['--scenario', scenarioFile, '--credentials', path.join(dir.path, 'credentials.json'), '--mqtt-url', broker.url]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${scenarioFile}: timeline.0.probeId: unknown probe 'probe-x'`);
  });
});
