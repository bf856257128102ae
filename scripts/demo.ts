/**
 * `npm run demo`: a whole simulated store on this machine — a private influxd, the
 * gateway (embedded MQTT broker, serial, OPC UA), the backend (rules, tasks, feed,
 * webhooks), a demo supplier, and the simulator driving real transports.
 *
 *   npm run demo                      run until Ctrl-C
 *   npm run demo -- --duration 120    run 120 s, stop cleanly, print a JSON summary last
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DeviceCredentials, StoreLayout, type Task } from '@shelfwatch/contracts';
import { createSimulation, loadScenario } from '@shelfwatch/firmware-sim';
import { freePort, startInfluxd, waitUntil } from '@shelfwatch/test-support';
import { countSensorPoints } from './demo/influx-count.js';
import { startService, type ServiceProcess } from './demo/processes.js';
import { DemoSecrets } from './demo/secrets.js';
import { startSupplierReceiver } from './demo/supplier-receiver.js';

const ROOT = path.resolve(import.meta.dirname, '..');

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

function positiveNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got '${text}'`);
  return n;
}

const progress = (text: string) => process.stderr.write(`[demo] ${text}\n`);

async function main(): Promise<void> {
  const durationS = positiveNumber('duration', args.duration);
  const httpPort = positiveNumber('port', args.port) ?? 8080;
  // The simulator's devices are told the broker's address before the gateway starts it,
  // so "any free port" (0) is resolved here, not by the gateway.
  const mqttPort = positiveNumber('mqtt-port', args['mqtt-port']) || (await freePort());
  const speed = positiveNumber('speed', args.speed) ?? 60;
  const seed = positiveNumber('seed', args.seed) ?? 1;

  const runDir = path.join(ROOT, '.demo', new Date().toISOString().replace(/[:.]/g, '-'));
  const logDir = path.join(runDir, 'logs');
  await mkdir(logDir, { recursive: true });

  const loaded = await loadScenario(args.scenario);
  // The scenario's day is replayed today, at its own time of day (demand follows the clock):
  // recent enough for InfluxDB's raw retention and for dashboards looking at "now".
  const DAY_MS = 86_400_000;
  const scenarioStart = Date.parse(loaded.settings.startTime);
  const startTime = new Date(scenarioStart + Math.floor((Date.now() - scenarioStart) / DAY_MS) * DAY_MS).toISOString();
  const scenario = { ...loaded, settings: { ...loaded.settings, startTime } };
  const layout = StoreLayout.parse(scenario.layout);
  const credentials = DeviceCredentials.parse(JSON.parse(await readFile(args.credentials, 'utf8')));
  const secrets = DemoSecrets.parse(JSON.parse(await readFile(args.secrets, 'utf8')));
  const layoutFile = path.join(runDir, 'store.json');
  const credentialsFile = path.join(runDir, 'devices.json');
  await writeFile(layoutFile, JSON.stringify(layout, null, 2));
  await writeFile(credentialsFile, JSON.stringify(credentials, null, 2));

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => progress(`cleanup: ${(err as Error).message}`));
    cleanups.length = 0;
  };

  try {
    progress(`run directory ${runDir}`);
    const influx = await startInfluxd({ dataDir: path.join(runDir, 'influx') });
    cleanups.push(() => influx.stop());
    progress(`influxd on ${influx.url}`);

    const supplierToken = (supplierId: string) => secrets.tokens.find((t) => t.role === 'supplier' && t.subject === supplierId)?.token;
    let confirmDelivery: (order: { storeId: string; supplierId: string; requestId: string; lines: { sku: string; quantity: number }[] }) => void = () => {};
    const receiver = await startSupplierReceiver({
      secrets: Object.fromEntries(Object.entries(secrets.suppliers).map(([id, s]) => [id, s.webhookSecret])),
      onOrder: (order) => confirmDelivery(order),
    });
    cleanups.push(() => receiver.close());

    const backendConfigFile = path.join(runDir, 'backend.json');
    await writeFile(
      backendConfigFile,
      JSON.stringify(
        {
          http: { host: '127.0.0.1', port: httpPort },
          dbPath: path.join(runDir, 'backend.sqlite'),
          layoutFiles: [layoutFile],
          tokens: secrets.tokens,
          suppliers: Object.fromEntries(
            Object.entries(secrets.suppliers).map(([id, s]) => [id, { webhookUrl: `${receiver.url}/${id}`, webhookSecret: s.webhookSecret }]),
          ),
          influx: { url: influx.url },
          webDir: path.join(ROOT, 'backend/web/dist'),
        },
        null,
        2,
      ),
    );
    const backend = await startService('backend', 'backend/src/main.ts', backendConfigFile, logDir);
    cleanups.push(() => backend.proc.stop());
    const backendUrl = String(backend.ready.url);
    progress(`backend on ${backendUrl}`);

    const sim = await createSimulation({
      scenario,
      seed,
      speed,
      mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
      credentials,
      workDir: path.join(runDir, 'sim'),
      groundTruthPath: path.join(runDir, 'ground-truth.jsonl'),
      ...(durationS === undefined ? {} : { durationS: durationS * speed }),
      onProgress: (p) => process.stderr.write(`\r[demo] sim ${new Date(p.simTimeMs).toISOString()}  readings sent ${p.readingsSent}   `),
    });
    cleanups.push(async () => {
      await sim.stop();
    });

    // A supplier confirms each order; the goods reach the store's backroom a little later.
    confirmDelivery = (order) => {
      const token = supplierToken(order.supplierId);
      if (!token) return;
      void fetch(`${backendUrl}/api/v1/deliveries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          storeId: order.storeId,
          requestId: order.requestId,
          deliveryId: `dlv-${order.requestId}`.slice(0, 80),
          expectedAt: Date.now(),
          lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        }),
      })
        .then((res) => {
          if (res.ok) for (const line of order.lines) sim.receiveDelivery(line.sku, line.quantity);
        })
        .catch((err: unknown) => progress(`delivery confirmation failed: ${(err as Error).message}`));
    };

    const gatewayConfigFile = path.join(runDir, 'gateway.json');
    await writeFile(
      gatewayConfigFile,
      JSON.stringify(
        {
          gatewayId: secrets.gateway.id,
          layoutFile,
          credentialsFile,
          mqtt: { mode: 'embedded', host: '127.0.0.1', port: mqttPort },
          serial: { boards: Object.fromEntries(Object.entries(sim.endpoints.boards).map(([id, p]) => [id, { path: p }])) },
          opcua: {
            controllers: Object.fromEntries(Object.entries(sim.endpoints.controllers).map(([id, url]) => [id, { endpointUrl: url }])),
            pkiDir: path.join(runDir, 'gateway-pki'),
          },
          influx: { url: influx.url },
          backend: { url: backendUrl, token: secrets.gateway.backendToken },
          outbox: { path: path.join(runDir, 'gateway-outbox.sqlite') },
          http: { host: '127.0.0.1', port: 0 },
        },
        null,
        2,
      ),
    );
    const gateway = await startService('gateway', 'gateway/src/main.ts', gatewayConfigFile, logDir);
    cleanups.push(() => gateway.proc.stop());
    const gatewayUrl = String(gateway.ready.httpUrl);

    const staffToken = secrets.tokens.find((t) => t.role === 'staff')?.token ?? '';
    process.stderr.write(
      [
        '',
        'ShelfWatch demo store is running:',
        `  staff feed       ${backendUrl}/   (sign in with the demo staff token: ${staffToken})`,
        `  tasks API        ${backendUrl}/api/v1/tasks   ·  OpenAPI ${backendUrl}/openapi.json`,
        `  backend metrics  ${backendUrl}/metrics   ·  gateway ${gatewayUrl}/metrics, ${gatewayUrl}/healthz`,
        `  InfluxDB         ${influx.url}  (database shelfwatch)   ·  MQTT broker mqtt://127.0.0.1:${mqttPort}`,
        `  logs             ${logDir}`,
        durationS === undefined ? '  Ctrl-C to stop.' : `  running for ${durationS} s.`,
        '',
      ].join('\n'),
    );

    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    // --duration is wall-clock time: if the machine cannot keep up with --speed, the
    // simulation covers less simulated time, but the demo still ends on time.
    const deadline = durationS === undefined ? new Promise<never>(() => {}) : delay(durationS * 1000, undefined, { ref: false });
    await Promise.race([sim.run(), stopped, deadline]);
    process.stderr.write('\n');
    progress('simulation finished; waiting for the gateway to read what is still on the wire');
    const simSummary = await sim.stop({ beforeDisconnect: () => gatewayQuiet(gatewayUrl, secrets.gateway.backendToken) });
    progress('waiting for the gateway to drain its outbox');

    await waitUntil(
      async () => {
        const res = await fetch(`${gatewayUrl}/healthz`);
        const health = (await res.json()) as { outbox?: { pending?: Record<string, number> } };
        const pending = Object.values(health.outbox?.pending ?? {});
        return pending.length > 0 && pending.every((n) => n === 0);
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'gateway outbox to drain' },
    );

    const points = await countSensorPoints(influx.url);
    const opsToken = secrets.tokens.find((t) => t.role === 'operations')?.token ?? '';
    const tasks = await fetchAllTasks(backendUrl, opsToken, layout.store.id);
    const tasksByKind: Record<string, number> = {};
    for (const t of tasks) tasksByKind[t.kind] = (tasksByKind[t.kind] ?? 0) + 1;

    const summary = {
      readingsSent: simSummary.readingsSent,
      pointsInInflux: points.total,
      readingsSentByKind: simSummary.readingsByKind,
      pointsInInfluxByKind: points.byKind,
      tasksByKind,
      webhooksDelivered: receiver.delivered(),
      webhooksRejected: receiver.rejected(),
      simulatedSeconds: Math.round(sim.stats().simTimeMs / 1000),
      runDir,
    };
    await stopAll(gateway, backend);
    await cleanup();
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Resolves once the gateway has accepted nothing new for a second: the devices have
 * stopped, so whatever was still buffered on the lines has been read by then.
 */
async function gatewayQuiet(gatewayUrl: string, token: string): Promise<void> {
  let previous = -1;
  await waitUntil(
    async () => {
      const res = await fetch(`${gatewayUrl}/api/v1/stats`, { headers: { authorization: `Bearer ${token}` } });
      const stats = (await res.json()) as { accepted: Record<string, number> };
      const total = Object.values(stats.accepted).reduce((a, b) => a + b, 0);
      const quiet = total === previous;
      previous = total;
      return quiet;
    },
    { timeoutMs: 60_000, intervalMs: 1_000, what: 'the gateway to read the last frames' },
  );
}

async function stopAll(...services: ServiceProcess[]): Promise<void> {
  for (const s of services) await s.proc.stop();
}

async function fetchAllTasks(url: string, token: string, storeId: string): Promise<Task[]> {
  const res = await fetch(`${url}/api/v1/tasks?store=${encodeURIComponent(storeId)}&status=open,acknowledged,done,resolved`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`GET /api/v1/tasks: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { tasks: Task[] } | Task[];
  return Array.isArray(body) ? body : body.tasks;
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
