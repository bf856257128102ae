/**
 * `npm run demo`: a whole simulated store on this machine — a private influxd, the
 * gateway (embedded MQTT broker, serial, OPC UA), the backend (rules, tasks, feed,
 * webhooks), a demo supplier, and the simulator driving real transports.
 *
 *   npm run demo                      run until Ctrl-C (or the end of the scenario's day)
 *   npm run demo -- --duration 120    run 120 s, stop cleanly, print a JSON summary last
 */
import path from 'node:path';
import { repoRoot } from '@shelfwatch/test-support';
import { parseArgs } from 'node:util';
import { loadScenario } from '@shelfwatch/firmware-sim';
import { runStore } from './store-run.js';

// stdout carries only this command's result (its last line is machine-readable JSON);
// libraries that log with console.log (node-opcua's start-up warnings) go to stderr.
console.log = console.error;

const ROOT = repoRoot(import.meta.dirname);

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    port: { type: 'string', default: process.env.SHELFWATCH_HTTP_PORT ?? '8080' },
    'mqtt-port': { type: 'string', default: process.env.SHELFWATCH_MQTT_PORT ?? '1883' },
    speed: { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    scenario: { type: 'string', default: path.join(ROOT, 'config/demo/scenario.json') },
    secrets: { type: 'string', default: path.join(ROOT, 'config/demo/api.demo.json') },
    credentials: { type: 'string', default: path.join(ROOT, 'config/demo/devices.demo.json') },
  },
  strict: true,
});

function nonNegative(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got '${text}'`);
  return n;
}

const progress = (text: string) => process.stderr.write(`[demo] ${text}\n`);

async function main(): Promise<void> {
  const durationS = nonNegative('duration', args.duration);
  const speed = nonNegative('speed', args.speed) ?? 60;
  const runDir = path.join(ROOT, '.demo', new Date().toISOString().replace(/[:.]/g, '-'));
  const stopSignal = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  progress(`run directory ${runDir}`);

  const result = await runStore({
    scenario: await loadScenario(args.scenario),
    seed: nonNegative('seed', args.seed) ?? 1,
    speed,
    ...(durationS === undefined ? {} : { durationS }),
    httpPort: nonNegative('port', args.port) ?? 8080,
    mqttPort: nonNegative('mqtt-port', args['mqtt-port']) ?? 1883,
    secretsFile: args.secrets,
    credentialsFile: args.credentials,
    runDir,
    stopSignal,
    log: progress,
    onProgress: (p) => process.stderr.write(`\r[demo] sim ${new Date(p.simTimeMs).toISOString()}  readings sent ${p.readingsSent}   `),
    onReady: (info) =>
      process.stderr.write(
        [
          '',
          'ShelfWatch demo store is running:',
          `  staff feed       ${info.backendUrl}/   (sign in with the demo staff token: ${info.staffToken})`,
          `  tasks API        ${info.backendUrl}/api/v1/tasks   ·  OpenAPI ${info.backendUrl}/openapi.json`,
          `  backend metrics  ${info.backendUrl}/metrics   ·  gateway ${info.gatewayUrl}/metrics, ${info.gatewayUrl}/healthz`,
          `  InfluxDB         ${info.influxUrl}  (database shelfwatch)   ·  MQTT broker mqtt://127.0.0.1:${info.mqttPort}`,
          `  logs             ${info.logDir}`,
          durationS === undefined ? '  Ctrl-C to stop.' : `  running for ${durationS} s at ${speed}x.`,
          '',
        ].join('\n'),
      ),
  });
  process.stderr.write('\n');
  const { tasks: _tasks, layout: _layout, layoutFile: _file, secrets: _secrets, received: _received, groundTruthPath: _truth, ...summary } = result;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
