/**
 * `npm run bench`: ShelfWatch's figures, measured on this machine against real processes
 * on loopback. Reports only; never fails on a timing. Writes bench/results/latest.json.
 *
 * BENCH_RUNS (default 3) repeats the cheap figures (influx ceiling, brokers, backend scale) and reports the
 * median; the end-to-end figures (ingest steps, catch-up, alerts, RSS) run
 * once each, to stay within 15 minutes on two cores. The peer comparison alternates
 * Node-RED and ShelfWatch BENCH_PEER_ROUNDS (default 2) times each on BENCH_PEER_N readings.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@shelfwatch/test-support';
import { benchAedes, benchMosquitto, type BrokerLoad } from './broker.js';
import { influxCeiling } from './influx-ceiling.js';
import { machineInfo } from './machine.js';
import { peerFigures } from './peer.js';
import { LARGE_STORE_READINGS_PER_SEC } from './stack.js';
import { median } from './stats.js';
import { systemFigures } from './system.js';
import { log } from './log.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PEER_N = Number(process.env.BENCH_PEER_N ?? 50_000);
const PEER_ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 2);
/** 1, 5 and 15 minute load averages: how busy the shared machine was. */
const loadAvg = () => os.loadavg().map((l) => Math.round(l * 100) / 100);
async function measure(label: string, run: () => Promise<number | null>): Promise<number | null> {
  const values: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const v = await run();
    if (v === null) return null;
    values.push(v);
    log(`${label} run ${i + 1}/${RUNS}: ${Math.round(v)}`);
  }
  return Math.round(median(values));
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = machineInfo();
  const loadAvgs: Record<string, number[]> = { start: loadAvg() };
  log(`${machine.cores} cores, ${machine.cpuModel}; cheap figures: median of ${RUNS} runs; end-to-end figures: 1 run each`);
  const load: BrokerLoad = { publishers: 4, perPublisher: 10_000, window: 25, qos: 1 };

  const influxCeilingPerSec = await measure('influx ceiling (points/s)', () => influxCeiling());
  const broker = {
    aedesQos1PerSec: await measure('aedes QoS 1 (msg/s)', () => benchAedes(load)),
    mosquittoQos1PerSec: await measure('mosquitto QoS 1 (msg/s)', () => benchMosquitto(load)),
    aedesQos0PerSec: await measure('aedes QoS 0 (msg/s)', () => benchAedes({ ...load, qos: 0 })),
    mosquittoQos0PerSec: await measure('mosquitto QoS 0 (msg/s)', () => benchMosquitto({ ...load, qos: 0 })),
    load,
  };
  loadAvgs.afterCheapFigures = loadAvg();
  const system = await systemFigures({ runs: RUNS });
  loadAvgs.afterSystemFigures = loadAvg();
  const { readingsPerSec } = system.ingest;
  log(`peer: Node-RED and ShelfWatch in turn, ${PEER_ROUNDS} rounds of ${PEER_N} readings`);
  const peer = await peerFigures({ n: PEER_N, rounds: PEER_ROUNDS });
  loadAvgs.end = loadAvg();

  const results = {
    machine,
    loadAvg: loadAvgs,
    runs: { cheapFigures: RUNS, backendScale: RUNS, endToEndFigures: 1, chain: 1, peerRounds: PEER_ROUNDS },
    peer,
    ingest: {
      readingsPerSec,
      influxCeilingPerSec,
      ratio: readingsPerSec !== null && influxCeilingPerSec ? Math.round((readingsPerSec / influxCeilingPerSec) * 100) / 100 : null,
      largeStoreReadingsPerSec: LARGE_STORE_READINGS_PER_SEC,
      largeStoreMultiple: system.ingest.largeStoreMultiple,
      steps: system.ingest.steps,
    },
    alertLatencyMs: system.alertLatencyMs,
    rssMb: system.rssMb,
    controllers: system.controllers,
    forwarding: system.forwarding,
    backendReadingsPerSec: system.backendReadingsPerSec,
    backendStoresPerCore: system.backendStoresPerCore,
    chain: system.chain,
    catchUp: system.catchUp,
    broker,
    elapsedS: Math.round((performance.now() - started) / 1000),
  };

  const dir = path.join(repoRoot(import.meta.dirname), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
}

function printTable(results: Record<string, unknown>, prefix = ''): void {
  for (const [key, value] of Object.entries(results)) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => process.stdout.write(`${`${prefix}${key}[${i}]`.padEnd(36)} ${JSON.stringify(item)}\n`));
    } else if (value !== null && typeof value === 'object') printTable(value as Record<string, unknown>, `${prefix}${key}.`);
    else process.stdout.write(`${`${prefix}${key}`.padEnd(36)} ${String(value)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
