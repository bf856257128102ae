import type { DeviceCredentials, StoreLayout } from '@shelfwatch/contracts';
import type { GeneratedLayoutSpec } from '@shelfwatch/firmware-sim';
import { makeTempDir } from '@shelfwatch/test-support';
import { alertLatency, type AlertLatency } from './alerts.js';
import { backendIngestRate } from './backend-ingest.js';
import { catchUp, ingestSteps, type CatchUp, type IngestStep } from './ingest.js';
import { MqttLoad } from './load.js';
import { SerialLoad } from './serial-load.js';
import { buildLayout, LARGE_STORE_READINGS_PER_SEC, peakRssMb, PROFILES, startStack, type Stack } from './stack.js';
import { median } from './stats.js';
import { StoreLoad } from './store-load.js';

const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);

export interface SystemFigures {
  ingest: { readingsPerSec: number | null; largeStoreMultiple: number | null; steps: IngestStep[] };
  catchUp: CatchUp;
  alertLatencyMs: AlertLatency;
  rssMb: { gateway: { small: number | null; large: number | null }; backend: { small: number | null; large: number | null } };
  backendReadingsPerSec: number;
  backendStoresPerCore: number;
}

/** Multiples of the large store's nominal load, offered in turn until one is not sustained. */
const MULTIPLES = [0.5, 1, 1.5, 2, 2.5, 3, 4];
const STEP_S = Number(process.env.BENCH_STEP_S ?? 20);
const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S ?? 30);

interface Rig {
  layout: StoreLayout;
  stack: Stack;
  mqtt: MqttLoad;
  store: StoreLoad;
}

/** A store's devices (ptys + MQTT clients) and the stack they talk to; always torn down. */
async function withRig<T>(spec: GeneratedLayoutSpec, probes: boolean, work: (rig: Rig) => Promise<T>): Promise<T> {
  const { layout, credentials }: { layout: StoreLayout; credentials: DeviceCredentials } = buildLayout(spec);
  const ptyDir = await makeTempDir('bench-pty');
  const serial = new SerialLoad({ layout, dir: ptyDir.path });
  let stack: Stack | null = null;
  let mqtt: MqttLoad | null = null;
  try {
    await serial.start();
    stack = await startStack({ layout, credentials, serialBoards: serial.endpoints() });
    mqtt = new MqttLoad({ mqttUrl: stack.mqttUrl, layout, credentials });
    await mqtt.connect({ cameras: true, probes });
    return await work({ layout, stack, mqtt, store: new StoreLoad({ layout, mqtt, serial }) });
  } finally {
    await mqtt?.close();
    await stack?.stop();
    await serial.stop();
    await ptyDir.remove();
  }
}

/** Median of `runs` runs against one backend process (each run with fresh reading ids). */
async function backendScale(runs: number): Promise<number> {
  const { layout, credentials } = buildLayout(PROFILES.large);
  const stack = await startStack({ layout, credentials, withGateway: false });
  try {
    const rates: number[] = [];
    for (let i = 0; i < runs; i++) {
      const rate = await backendIngestRate(stack, layout, Number(process.env.BENCH_BACKEND_BATCHES ?? 21));
      log(`backend ingest run ${i + 1}/${runs}: ${Math.round(rate)} readings/s on one process`);
      rates.push(rate);
    }
    return median(rates);
  } finally {
    await stack.stop();
  }
}

async function rss(stack: Stack): Promise<{ gateway: number | null; backend: number | null }> {
  return { gateway: await peakRssMb(stack.gateway.proc.child.pid), backend: await peakRssMb(stack.backend.proc.child.pid) };
}

export async function systemFigures(options: { runs: number }): Promise<SystemFigures> {
  const backendRate = await backendScale(options.runs);

  log('ingest: large store, stepping load (serial ptys + MQTT cameras)');
  const { steps, drill } = await withRig(PROFILES.large, false, async ({ stack, store }) => {
    const steps = await ingestSteps(stack, store, MULTIPLES, STEP_S);
    const sustained = steps.filter((s) => s.sustained).map((s) => s.multiple);
    // The outage is taken at the large store's own load, or at what this machine sustains if less.
    const multiple = Math.min(1, Math.max(0.5, ...sustained));
    return { steps, drill: await catchUp(stack, store, multiple, OUTAGE_S) };
  });
  const sustained = steps.filter((s) => s.sustained);
  const best = sustained.length > 0 ? Math.max(...sustained.map((s) => s.endToEndPerSec)) : null;
  const alertMultiple = Math.min(1, Math.max(0.5, ...sustained.map((s) => s.multiple)));

  log('small store profile: 30 s at its nominal load');
  const small = await withRig(PROFILES.small, false, async ({ stack, store }) => {
    await store.run(1, 30);
    return rss(stack);
  });
  log(`small: peak RSS gateway ${small.gateway} MB, backend ${small.backend} MB`);

  // ≥ 1,000 alerts need ≥ 1,000 probes: the large store with 350 cases (1,050 probes) instead of 60.
  log(`alerts + large profile at ×${alertMultiple} large-store load`);
  const large = await withRig({ ...PROFILES.large, cases: 350 }, true, async ({ stack, mqtt, store }) => {
    const alerts = await alertLatency(stack, { mqtt, store }, { backgroundMultiple: alertMultiple, faultsPerSec: 50 });
    return { alerts, ...(await rss(stack)) };
  });
  log(`large: peak RSS gateway ${large.gateway} MB, backend ${large.backend} MB`);

  return {
    ingest: {
      readingsPerSec: best,
      largeStoreMultiple: best === null ? null : Math.round((best / LARGE_STORE_READINGS_PER_SEC) * 100) / 100,
      steps,
    },
    catchUp: drill,
    alertLatencyMs: large.alerts,
    rssMb: { gateway: { small: small.gateway, large: large.gateway }, backend: { small: small.backend, large: large.backend } },
    backendReadingsPerSec: Math.round(backendRate),
    backendStoresPerCore: Math.round((backendRate / LARGE_STORE_READINGS_PER_SEC) * 100) / 100,
  };
}
