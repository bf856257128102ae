/**
 * One run of a whole simulated store on this machine: a private influxd, the backend and
 * the gateway as their own processes (as in production), a demo supplier that verifies
 * webhooks and confirms deliveries, and the simulator driving the real transports. The
 * demo runs it once with a live banner; `npm run eval` runs it per scenario and scores
 * the tasks against the simulator's ground truth.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_MAX_AHEAD_MS, DeviceCredentials, StoreLayout, type EventTimeBound, type Reading, type TaskWithHistory } from '@shelfwatch/contracts';
import type { BackendConfigInput } from '@shelfwatch/backend';
import { createSimulation, shiftToToday, type NetworkChange, type Scenario, type Simulation } from '@shelfwatch/firmware-sim';
import { addToTrustList, type GatewayConfigInput } from '@shelfwatch/gateway';
import { freePort, waitUntil } from '@shelfwatch/test-support';
import { Stack } from '@shelfwatch/test-support/stack';
import { countBackroom, demoBackendConfig, fetchTasksWithHistory, tokenOf } from './demo/backend-api.js';
import { startBackhaulRelay, type BackhaulRelay } from './demo/backhaul-relay.js';
import { countSensorPoints, type SensorPointCounts } from './demo/influx-count.js';
import { DemoSecrets } from './demo/secrets.js';
import { startSupplierReceiver } from './demo/supplier-receiver.js';

/**
 * The demo supplier delivers this long after the order's event time: the goods reach the
 * backroom at the same simulated moment at any speed (not whenever the webhook happened to
 * arrive in wall time).
 */
const SUPPLIER_LEAD_MS = 2 * 3_600_000;
const HOUR_MS = 3_600_000;

export interface StoreRunOptions {
  scenario: Scenario;
  seed: number;
  /** Simulated seconds per wall second. */
  speed: number;
  /** Wall-clock seconds to run; without it, until the scenario ends or `stopSignal` fires. */
  durationS?: number;
  httpPort?: number;
  /** 0 = any free port. */
  mqttPort?: number;
  secretsFile: string;
  credentialsFile?: string;
  /** Where the run's data, configs and logs go. */
  runDir: string;
  /** Use this InfluxDB (left running afterwards, e.g. for tests to query) instead of a private one. */
  influxUrl?: string;
  /** Replay the scenario's day today, at its own time of day (default true). */
  shiftToToday?: boolean;
  stopSignal?: Promise<void>;
  onReady?: (info: StoreRunInfo) => void;
  onProgress?: (p: { simTimeMs: number; readingsSent: number }) => void;
  log?: (text: string) => void;
}

export interface StoreRunInfo {
  backendUrl: string;
  gatewayUrl: string;
  influxUrl: string;
  mqttPort: number;
  logDir: string;
  staffToken: string;
}

export interface StoreRunResult {
  readingsSent: number;
  pointsInInflux: number;
  readingsSentByKind: Record<string, number>;
  pointsInInfluxByKind: SensorPointCounts['byKind'];
  /** Tasks raised while the store traded. */
  tasksByKind: Record<string, number>;
  /** Tasks dated at or after the simulated end (none expected: results are read before the devices are unplugged). */
  tasksRaisedAtShutdown: number;
  /** Every reading the backend accepted until the results were read, in the order it received them (for replays). */
  received: Reading[];
  webhooksDelivered: number;
  webhooksRejected: number;
  simulatedSeconds: number;
  simEndMs: number;
  /** Wall time the simulated clock ran, and how much of it it waited (for transports, link changes, the harness). */
  simWallS: number;
  clockWaitMs: { transports: number; links: number; network: number };
  tasks: TaskWithHistory[];
  layout: StoreLayout;
  layoutFile: string;
  /** The backroom count the backend started with (the scenario's backroom, as a store's stock count). */
  backroom: { sku: string; units: number }[];
  secrets: DemoSecrets;
  groundTruthPath: string;
  runDir: string;
}

/**
 * The event-time allowance of a simulated run. Its devices' clocks run `speed` times the
 * wall clock from a start up to a day back (shiftToToday), so their readings reach up to
 * the scenario's end ahead of the receivers' clocks, and its first ones are up to a day
 * old. Written explicitly into the gateway and backend configs of simulated runs only; a
 * store keeps the tight defaults (a few minutes ahead, two days old at most).
 */
export function simulationEventTimeAllowance(scenario: Scenario, nowMs: number): EventTimeBound {
  const start = Date.parse(scenario.settings.startTime);
  const end = start + scenario.settings.durationS * 1000;
  return { maxAheadMs: Math.max(DEFAULT_MAX_AHEAD_MS, end - nowMs + HOUR_MS), maxAgeMs: Math.max(47 * HOUR_MS, nowMs - start + 2 * HOUR_MS) };
}

export async function runStore(options: StoreRunOptions): Promise<StoreRunResult> {
  const log = options.log ?? (() => {});
  const { runDir } = options;
  const logDir = path.join(runDir, 'logs');
  await mkdir(logDir, { recursive: true });

  // The scenario's day is replayed today (demand follows the time of day): recent enough for
  // InfluxDB's raw retention and for dashboards looking at "now".
  const scenario = options.shiftToToday === false ? options.scenario : shiftToToday(options.scenario, Date.now());
  const eventTime = simulationEventTimeAllowance(scenario, Date.now());
  const layout = StoreLayout.parse(scenario.layout);
  const secrets = DemoSecrets.parse(JSON.parse(await readFile(options.secretsFile, 'utf8')));
  const credentials = options.credentialsFile
    ? DeviceCredentials.parse(JSON.parse(await readFile(options.credentialsFile, 'utf8')))
    : generatedCredentials(layout);
  const backroom = layout.products.map((p) => ({ sku: p.sku, units: scenario.settings.backroom.skus[p.sku] ?? scenario.settings.backroom.defaultUnits }));
  // The devices are told the broker's address before the gateway starts it, so "any free
  // port" is resolved here, not by the gateway.
  const mqttPort = options.mqttPort || (await freePort());
  const groundTruthPath = path.join(runDir, 'ground-truth.jsonl');

  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => log(`cleanup: ${(err as Error).message}`));
    cleanups.length = 0;
  };

  try {
    const supplierToken = (supplierId: string) => secrets.tokens.find((t) => t.role === 'supplier' && t.subject === supplierId)?.token;
    let onOrder: (order: { storeId: string; supplierId: string; requestId: string; lines: { sku: string; quantity: number }[] }, atMs: number) => void = () => {};
    const receiver = await startSupplierReceiver({
      secrets: Object.fromEntries(Object.entries(secrets.suppliers).map(([id, s]) => [id, s.webhookSecret])),
      onOrder: (order, atMs) => onOrder(order, atMs),
    });
    cleanups.push(() => receiver.close());

    // Set once the simulated devices and the backhaul are up: the gateway is configured for
    // them, and the scenario's network events act on them.
    const live: { sim?: Simulation; backhaul?: BackhaulRelay } = {};
    const stack = await Stack.prepare({
      dir: runDir,
      layout,
      credentials,
      gatewayId: secrets.gateway.id,
      gatewayToken: secrets.gateway.backendToken,
      ...(options.influxUrl ? { influxUrl: options.influxUrl } : {}),
      backendPort: options.httpPort ?? 0,
      mqttPort,
      logs: { dir: logDir, level: process.env.LOG_LEVEL ?? 'info' },
      backend: (base, files): BackendConfigInput => ({
        ...base,
        ...demoBackendConfig({
          secrets,
          webhookUrls: Object.fromEntries(Object.keys(secrets.suppliers).map((id) => [id, `${receiver.url}/${id}`])),
          influxUrl: files.influxUrl,
          eventTime,
          // Keep every reading of the run, so its task list can be compared with replays.
          replayHours: scenario.settings.durationS / 3600 + 2,
        }),
      }),
      gateway: async (base): Promise<GatewayConfigInput> => {
        const { sim, backhaul } = live;
        if (!sim || !backhaul) throw new Error('the gateway is configured once the devices and the backhaul are up');
        // The simulated controllers speak sign & encrypt; the gateway trusts exactly their certificates.
        for (const [id, der] of Object.entries(sim.endpoints.controllerCertificates)) await addToTrustList(base.opcua.pkiDir, id, der);
        return {
          ...base,
          serial: { boards: Object.fromEntries(Object.entries(sim.endpoints.boards).map(([id, p]) => [id, { path: p }])) },
          opcua: {
            controllers: Object.fromEntries(Object.entries(sim.endpoints.controllers).map(([id, url]) => [id, { endpointUrl: url }])),
            pkiDir: base.opcua.pkiDir,
            publishingIntervalMs: publishingIntervalFor(options.speed),
          },
          backend: { ...base.backend, url: backhaul.url },
          eventTime,
        };
      },
    });
    cleanups.push(() => stack.stop());
    log(`influxd on ${stack.files.influxUrl}`);

    const onNetworkChange = async (change: NetworkChange & { atMs: number }) => {
      log(`${new Date(change.atMs).toISOString()}: ${change.link} ${change.up ? 'back' : 'down'}`);
      if (change.link === 'gateway') {
        if (change.up) await stack.startGateway();
        else await stack.stopGateway();
      } else if (change.up) await live.backhaul?.restore();
      else live.backhaul?.cut(change.delivery, change.windowS * 1000);
    };

    // The backend and the simulated devices start side by side (both take seconds).
    const [backendStart, simStart] = await Promise.allSettled([
      stack.startBackend(),
      createSimulation({
        scenario,
        seed: options.seed,
        speed: options.speed,
        mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
        credentials,
        workDir: path.join(runDir, 'sim'),
        groundTruthPath,
        onNetworkChange,
        ...(options.durationS === undefined ? {} : { durationS: options.durationS * options.speed }),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    ]);
    if (simStart.status === 'fulfilled') cleanups.push(() => simStart.value.stop());
    if (backendStart.status === 'rejected') throw backendStart.reason;
    if (simStart.status === 'rejected') throw simStart.reason;
    const sim = simStart.value;
    const backendUrl = stack.backendUrl;
    // Staff count the backroom before trading (the rules restock and forecast from it), as a store does.
    await countBackroom(backendUrl, tokenOf(secrets, 'operations'), layout.store.id, backroom);
    log(`backend on ${backendUrl}; simulated devices ready`);
    // The gateway reaches the backend through the store's backhaul, which the scenario may cut.
    const backhaul = await startBackhaulRelay({ backendUrl, log });
    live.backhaul = backhaul;
    cleanups.push(() => backhaul.close());

    // A supplier confirms each order; the goods reach the store's backroom a lead time after it.
    onOrder = (order, atMs) => {
      const token = supplierToken(order.supplierId);
      if (!token) return;
      void confirmDelivery(backendUrl, token, order, atMs + SUPPLIER_LEAD_MS)
        .then((ok) => {
          if (ok) for (const line of order.lines) sim.receiveDelivery(line.sku, line.quantity, atMs + SUPPLIER_LEAD_MS);
        })
        .catch((err: unknown) => log(`delivery confirmation failed: ${(err as Error).message}`));
    };

    live.sim = sim;
    await stack.startGateway();

    options.onReady?.({
      backendUrl,
      gatewayUrl: stack.gatewayUrl,
      influxUrl: stack.files.influxUrl,
      mqttPort,
      logDir,
      staffToken: secrets.tokens.find((t) => t.role === 'staff')?.token ?? '',
    });

    // --duration is wall-clock time: if the machine cannot keep up with the speed, the run
    // covers less simulated time but still ends on time.
    const deadline = options.durationS === undefined ? new Promise<never>(() => {}) : delay(options.durationS * 1000, undefined, { ref: false });
    await Promise.race([sim.run(), deadline, ...(options.stopSignal ? [options.stopSignal] : [])]);
    // What the run produced is read while the devices are still connected: unplugging them
    // is not part of the scenario, and the offline reports it causes (dated when each device
    // was last heard, before the end) would otherwise look like faults during trading.
    let collected: { points: SensorPointCounts; tasks: TaskWithHistory[]; received: Reading[] } | undefined;
    const simSummary = await sim.stop({
      beforeDisconnect: async () => {
        log('simulation finished; waiting for the gateway to read what is still on the wire and drain its outbox');
        const gatewayUrl = stack.gatewayUrl;
        await gatewayQuiet(gatewayUrl, secrets.gateway.backendToken);
        await waitUntil(
          async () => {
            const health = (await (await fetch(`${gatewayUrl}/healthz`)).json()) as { outbox?: { pending?: Record<string, number> } };
            const pending = Object.values(health.outbox?.pending ?? {});
            return pending.length > 0 && pending.every((n) => n === 0);
          },
          { timeoutMs: 300_000, intervalMs: 250, what: 'the gateway outbox to drain' },
        );
        collected = {
          points: await countSensorPoints(stack.files.influxUrl),
          tasks: await fetchTasksWithHistory(backendUrl, tokenOf(secrets, 'operations'), layout),
          received: [...backhaul.received()],
        };
      },
    });
    if (!collected) throw new Error('the run ended before its results could be read');
    const { points, tasks, received } = collected;
    const trading = tasks.filter((t) => t.raisedAt < simSummary.endMs);
    const tasksByKind: Record<string, number> = {};
    for (const t of trading) tasksByKind[t.kind] = (tasksByKind[t.kind] ?? 0) + 1;

    const result: StoreRunResult = {
      readingsSent: simSummary.readingsSent,
      pointsInInflux: points.total,
      readingsSentByKind: simSummary.readingsByKind,
      pointsInInfluxByKind: points.byKind,
      tasksByKind,
      tasksRaisedAtShutdown: tasks.length - trading.length,
      received,
      webhooksDelivered: receiver.delivered(),
      webhooksRejected: receiver.rejected(),
      simulatedSeconds: Math.round(simSummary.simulatedS),
      simEndMs: simSummary.endMs,
      simWallS: simSummary.wallS,
      clockWaitMs: simSummary.clockWaitMs,
      tasks,
      layout,
      layoutFile: stack.files.layoutFile,
      backroom,
      secrets,
      groundTruthPath,
      runDir,
    };
    // The services stop first, while the devices and the backhaul they talk to are still there.
    await stack.stop();
    await cleanup();
    return result;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Credentials for a generated layout (the large store): demo-only, made per run. */
function generatedCredentials(layout: StoreLayout): DeviceCredentials {
  const devices = [
    ...layout.shelves.map((s) => s.boardId),
    ...layout.cameras.map((c) => c.id),
    ...layout.cases.flatMap((c) => [c.controllerId, ...c.probes.map((p) => p.id)]),
  ];
  return Object.fromEntries(devices.map((id) => [id, { password: `demo-only-${id}` }]));
}

async function confirmDelivery(
  backendUrl: string,
  token: string,
  order: { storeId: string; requestId: string; lines: { sku: string; quantity: number }[] },
  expectedAt: number,
): Promise<boolean> {
  const res = await fetch(`${backendUrl}/api/v1/deliveries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      storeId: order.storeId,
      requestId: order.requestId,
      deliveryId: `dlv-${order.requestId}`.slice(0, 80),
      expectedAt,
      lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    }),
  });
  return res.ok;
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

/**
 * A controller's subscription publishes on a wall-clock interval, so a sped-up store's values
 * wait speed× longer in simulated time (250 ms at 1,000× is four simulated minutes), and the
 * simulator's clock stops until they are out: the shortest interval the server grants keeps
 * that wait as short as it can be.
 */
function publishingIntervalFor(speed: number): number {
  return Math.max(50, Math.round(250 / speed));
}
