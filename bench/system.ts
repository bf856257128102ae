import type { DeviceCredentials, StoreLayout } from '@shelfwatch/contracts';
import type { GeneratedLayoutSpec } from '@shelfwatch/firmware-sim';
import { makeTempDir } from '@shelfwatch/test-support';
import { alertLatency, type AlertLatency } from './alerts.js';
import { backendIngestRate } from './backend-ingest.js';
import { chainFigures, type ChainFigures } from './chain.js';
import { peakHourForwarding, type PeakHourForwarding } from './forward-rate.js';
import { catchUp, ingestSteps, type CatchUp, type IngestStep } from './ingest.js';
import { MqttLoad } from './load.js';
import { SerialLoad } from './serial-load.js';
import { buildLayout, LARGE_STORE_READINGS_PER_SEC, peakRssMb, PROFILES, startControllerFarm, startStack, type ControllerFarm, type Stack } from './stack.js';
import { median } from './stats.js';
import { StoreLoad } from './store-load.js';
import { log } from './log.js';

interface Rss {
  gateway: number | null;
  backend: number | null;
}

export interface SystemFigures {
  ingest: { readingsPerSec: number | null; largeStoreMultiple: number | null; steps: IngestStep[] };
  catchUp: CatchUp;
  alertLatencyMs: AlertLatency;
  rssMb: { gateway: { small: number | null; large: number | null; alertRun: number | null }; backend: { small: number | null; large: number | null; alertRun: number | null } };
  forwarding: Omit<PeakHourForwarding, 'forwarded'>;
  backendReadingsPerSec: number;
  backendStoresPerCore: number;
  chain: ChainFigures;
  controllers: number;
}

/** Multiples of the large store's nominal load, offered in turn until one is not sustained. */
const MULTIPLES = [0.5, 1, 1.5, 2, 2.5, 3, 4];
const STEP_S = Number(process.env.BENCH_STEP_S ?? 20);
const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S ?? 30);
/** Minutes of the peak hour replayed for the forwarding figure (after two minutes of warm-up). */
const FORWARD_MIN = Number(process.env.BENCH_FORWARD_MIN ?? 4);
/** A large store's case controllers (one per case). */
const CONTROLLERS = PROFILES.large.cases;

interface Rig {
  layout: StoreLayout;
  stack: Stack;
  mqtt: MqttLoad;
  store: StoreLoad;
}

/**
 * A store's devices (ptys, MQTT clients with their own credentials, and the farm's OPC UA
 * controllers for the layout's cases) and the stack they talk to; always torn down.
 */
async function withRig<T>(spec: GeneratedLayoutSpec, farm: ControllerFarm, work: (rig: Rig) => Promise<T>): Promise<T> {
  const { layout, credentials }: { layout: StoreLayout; credentials: DeviceCredentials } = buildLayout(spec);
  const controllerIds = new Set(layout.cases.map((c) => c.controllerId));
  const controllers = Object.fromEntries(Object.entries(farm.endpoints).filter(([id]) => controllerIds.has(id)));
  const ptyDir = await makeTempDir('bench-pty');
  const serial = new SerialLoad({ layout, dir: ptyDir.path });
  let stack: Stack | null = null;
  let mqtt: MqttLoad | null = null;
  try {
    await serial.start();
    stack = await startStack({ layout, credentials, serialBoards: serial.endpoints(), controllers, controllerCertificates: farm.certificates });
    mqtt = new MqttLoad({ mqttUrl: stack.mqttUrl, layout, credentials });
    await mqtt.connect({ cameras: true, probes: true });
    return await work({ layout, stack, mqtt, store: new StoreLoad({ layout, mqtt, serial }) });
  } finally {
    await mqtt?.close();
    await stack?.stop();
    await serial.stop();
    await ptyDir.remove();
  }
}

/** Median of `runs` replays of the forwarded peak-hour stream, each against a fresh backend process. */
async function backendScale(runs: number, forwarding: PeakHourForwarding): Promise<number> {
  const { layout, credentials } = buildLayout(PROFILES.large);
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const stack = await startStack({ layout, credentials, withGateway: false });
    try {
      const rate = await backendIngestRate(stack, forwarding.forwarded, i);
      log(`backend ingest run ${i + 1}/${runs}: ${Math.round(rate)} forwarded readings/s on one process`);
      rates.push(rate);
    } finally {
      await stack.stop();
    }
  }
  return median(rates);
}

async function rss(stack: Stack): Promise<Rss> {
  return { gateway: await peakRssMb(stack.gateway?.proc.child.pid), backend: await peakRssMb(stack.backend?.proc.child.pid) };
}

export async function systemFigures(options: { runs: number }): Promise<SystemFigures> {
  const large = buildLayout(PROFILES.large);
  // The controllers take a while to come up: meanwhile the bench replays the peak hour (a
  // count, not a timing, so sharing the cores does not change it).
  log(`starting the large store's ${CONTROLLERS} OPC UA case controllers; meanwhile the peak-hour forwarding replay (${FORWARD_MIN} min)`);
  const farmStarting = startControllerFarm(large.layout, large.credentials, CONTROLLERS);
  const forwarding = await peakHourForwarding(PROFILES.large, { warmupMin: 2, windowMin: FORWARD_MIN }).catch(async (err: unknown) => {
    await (await farmStarting).stop();
    throw err;
  });
  log(`forwarding at peak hour: stores ${forwarding.storedPerSec}/s, forwards ${forwarding.forwardedPerSec}/s to the backend ${JSON.stringify(forwarding.forwardedByKind)}`);
  const farm = await farmStarting;
  try {
    const backendRate = await backendScale(options.runs, forwarding);
    log('chain: the backend on PostgreSQL, one and two replicas, the peak hour of many large stores at once');
    const chain = await chainFigures(forwarding);

    log('ingest: large store with its controllers, stepping load (serial ptys + MQTT cameras)');
    const { steps, drill, atOne } = await withRig(PROFILES.large, farm, async ({ stack, store }) => {
      let atOne: Rss = { gateway: null, backend: null };
      const steps = await ingestSteps(stack, store, MULTIPLES, STEP_S, async (step) => {
        // Peak RSS (VmHWM) up to the store's own load (or what the machine sustains, if less).
        if (step.multiple <= 1) atOne = await rss(stack);
      });
      const sustained = steps.filter((s) => s.sustained).map((s) => s.multiple);
      // The outage is taken at the large store's own load, or at what this machine sustains if less.
      const multiple = Math.min(1, Math.max(0.5, ...sustained));
      return { steps, drill: await catchUp(stack, store, multiple, OUTAGE_S), atOne };
    });
    log(`large (×1): peak RSS gateway ${atOne.gateway} MB, backend ${atOne.backend} MB`);
    const sustained = steps.filter((s) => s.sustained);
    const best = sustained.length > 0 ? Math.max(...sustained.map((s) => s.endToEndPerSec)) : null;
    const alertMultiple = Math.min(1, Math.max(0.5, ...sustained.map((s) => s.multiple)));

    log('small store profile: 30 s at its nominal load');
    const small = await withRig(PROFILES.small, farm, async ({ stack, store }) => {
      await store.run(1, 30);
      return rss(stack);
    });
    log(`small: peak RSS gateway ${small.gateway} MB, backend ${small.backend} MB`);

    // ≥ 1,000 alerts need ≥ 1,000 probes: the large store with 350 cases (1,050 probes) instead of 60.
    log(`alerts at ×${alertMultiple} large-store load, ${CONTROLLERS} controllers`);
    const alertRun = await withRig({ ...PROFILES.large, cases: 350 }, farm, async ({ stack, mqtt, store }) => {
      const alerts = await alertLatency(stack, { mqtt, store }, { backgroundMultiple: alertMultiple, faultsPerSec: 50 });
      return { alerts, ...(await rss(stack)) };
    });
    log(`alert run: peak RSS gateway ${alertRun.gateway} MB, backend ${alertRun.backend} MB`);

    const { forwarded: _forwarded, ...forwardingFigures } = forwarding;
    return {
      ingest: {
        readingsPerSec: best,
        largeStoreMultiple: best === null ? null : Math.round((best / LARGE_STORE_READINGS_PER_SEC) * 100) / 100,
        steps,
      },
      catchUp: drill,
      alertLatencyMs: alertRun.alerts,
      rssMb: {
        gateway: { small: small.gateway, large: atOne.gateway, alertRun: alertRun.gateway },
        backend: { small: small.backend, large: atOne.backend, alertRun: alertRun.backend },
      },
      forwarding: forwardingFigures,
      backendReadingsPerSec: Math.round(backendRate),
      backendStoresPerCore: Math.round((backendRate / forwarding.forwardedPerSec) * 10) / 10,
      chain,
      controllers: CONTROLLERS,
    };
  } finally {
    await farm.stop();
  }
}
