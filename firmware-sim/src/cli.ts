/**
 * npm run sim -- --scenario <file> [--speed 60] [--seed 1] [--mqtt-url mqtt://127.0.0.1:1883]
 *   [--credentials <file>] (default: config/demo/devices.demo.json under the working directory)
 *   [--work-dir <dir>] [--duration <sim seconds>] [--ground-truth <file>]
 *   [--trust-dir <dir>]  (writes each controller's certificate there: a gateway's OPC UA trust list)
 *   [--today]  (replays the scenario's day today at its own time of day, as the demo does)
 * Progress on stderr; the summary as one JSON line on stdout.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DeviceCredentials } from '@shelfwatch/contracts';
import { z } from 'zod';
import { loadScenario } from './scenario/load-scenario.js';
import { shiftToToday } from './scenario/shift-to-today.js';
import { createSimulation } from './simulation.js';

// stdout carries only this command's result (its last line is machine-readable JSON);
// libraries that log with console.log (node-opcua's start-up warnings) go to stderr.
console.log = console.error;

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string' },
    speed: { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    'mqtt-url': { type: 'string', default: 'mqtt://127.0.0.1:1883' },
    credentials: { type: 'string' },
    'work-dir': { type: 'string' },
    duration: { type: 'string' },
    'ground-truth': { type: 'string' },
    'trust-dir': { type: 'string' },
    today: { type: 'boolean', default: false },
  },
  strict: true,
});

function num(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got '${text}'`);
  return n;
}

async function main(): Promise<void> {
  if (!args.scenario) throw new Error('--scenario <file> is required');
  const loaded = await loadScenario(args.scenario);
  const scenario = args.today ? shiftToToday(loaded, Date.now()) : loaded;
  const credentialsFile = path.resolve(args.credentials ?? 'config/demo/devices.demo.json');
  const parsed = DeviceCredentials.safeParse(JSON.parse(await readFile(credentialsFile, 'utf8')));
  if (!parsed.success) throw new Error(`invalid credentials ${credentialsFile}:\n${z.prettifyError(parsed.error)}`);
  const durationS = num('duration', args.duration);
  const sim = await createSimulation({
    scenario,
    seed: num('seed', args.seed) ?? 1,
    speed: num('speed', args.speed) ?? 60,
    mqttUrl: args['mqtt-url'],
    credentials: parsed.data,
    workDir: args['work-dir'] ?? path.join(os.tmpdir(), `shelfwatch-sim-${process.pid}`),
    ...(args['ground-truth'] ? { groundTruthPath: args['ground-truth'] } : {}),
    ...(durationS === undefined ? {} : { durationS }),
    onProgress: (p) => process.stderr.write(`\r[sim] ${new Date(p.simTimeMs).toISOString()}  readings sent ${p.readingsSent}   `),
  });
  if (args['trust-dir']) {
    await mkdir(args['trust-dir'], { recursive: true });
    for (const [id, der] of Object.entries(sim.endpoints.controllerCertificates)) await writeFile(path.join(args['trust-dir'], `${id}.der`), der);
  }
  process.stderr.write(`[sim] ${scenario.name}: boards ${JSON.stringify(sim.endpoints.boards)}\n[sim] controllers ${JSON.stringify(sim.endpoints.controllers)}\n`);
  const stop = () => void sim.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await sim.run();
  const summary = await sim.stop();
  process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`sim failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
