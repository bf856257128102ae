import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '@shelfwatch/test-support';
import { countSensorPoints } from '../scripts/demo/influx-count.js';
import { MqttLoad } from './load.js';
import { buildLayout, PROFILES, startStack } from './stack.js';
import { median } from './stats.js';
import { log } from './log.js';

/** The peer pipeline (Node-RED + mosquitto + node-red-contrib-influxdb), outside this repository. */
const PEER_DIR = process.env.BENCH_PEER_DIR ?? path.resolve(repoRoot(import.meta.dirname), '..', 'shared', 'peers', 'nodered');
/** The peer's workload, copied exactly: publishes awaiting PUBACK at any time. */
const IN_FLIGHT = 50;
const PROBES = 100;

export interface PeerRun {
  system: 'nodered' | 'shelfwatch';
  perSec: number;
  stored: number;
  seconds: number;
  /** 1-minute load average when the run started: how busy the shared machine was. */
  loadAvg1: number;
}

export interface PeerFigures {
  n: number;
  inFlight: number;
  probes: number;
  noderedPerSec: number | null;
  shelfwatchPerSec: number;
  /** ShelfWatch ÷ Node-RED, medians of the alternating runs. */
  ratio: number | null;
  runs: PeerRun[];
  /** Why the peer could not run, when it could not. */
  peerError: string | null;
}

const loadAvg1 = () => Math.round(os.loadavg()[0]! * 100) / 100;

/**
 * The peer's own script: `FLOW=flows-batch.json run.sh N` (MQTT in, join 1,000 or 1 s,
 * influxdb batch) prints one JSON line with endToEndPerSec = readings queryable ÷ (first
 * publish → last point counted).
 */
async function runNodeRed(n: number): Promise<PeerRun> {
  const script = path.join(PEER_DIR, 'run.sh');
  if (!existsSync(script)) throw new Error(`no peer at ${PEER_DIR} (set BENCH_PEER_DIR)`);
  const started = loadAvg1();
  const child = spawn('bash', [script, String(n)], { env: { ...process.env, FLOW: 'flows-batch.json' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || line === undefined) throw new Error(`peer run.sh exited ${code}: ${out.slice(-500)}`);
  const result = JSON.parse(line) as { inInflux: number; endToEndPerSec: number; seconds: number };
  if (result.inInflux < n) throw new Error(`peer stored ${result.inInflux} of ${n}`);
  return { system: 'nodered', perSec: result.endToEndPerSec, stored: result.inInflux, seconds: result.seconds, loadAvg1: started };
}

/**
 * The same workload against ShelfWatch as a store runs it (influxd, backend, gateway with its
 * embedded broker): N probe readings, one per QoS 1 message, 50 in flight, spread over 100
 * probes that each connect with their own credentials; finish line = InfluxDB counts N.
 */
async function runShelfWatch(n: number): Promise<PeerRun> {
  const { layout, credentials } = buildLayout({ ...PROFILES.small, cases: PROBES / 2, probesPerCase: 2 });
  const stack = await startStack({ layout, credentials });
  const mqtt = new MqttLoad({ mqttUrl: stack.mqttUrl, layout, credentials });
  try {
    await mqtt.connect({ cameras: false, probes: true });
    const probes = mqtt.probeIds();
    const temps = probes.map((id) => mqtt.inLimitTempC(id));
    const started = loadAvg1();
    const t0 = performance.now();
    const worker = async (w: number) => {
      for (let i = w; i < n; i += IN_FLIGHT) await mqtt.probe(probes[i % PROBES]!, { tempC: temps[i % PROBES]! + (i % 7) / 10, fault: null });
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => worker(w)));
    let stored = 0;
    const deadline = Date.now() + 120_000;
    while ((stored = (await countSensorPoints(stack.files.influxUrl)).byKind.probe) < n && Date.now() < deadline) await sleep(200);
    const seconds = (performance.now() - t0) / 1000;
    if (stored < n) throw new Error(`ShelfWatch stored ${stored} of ${n} within 120 s`);
    return { system: 'shelfwatch', perSec: Math.round(stored / seconds), stored, seconds: Math.round(seconds * 100) / 100, loadAvg1: started };
  } finally {
    await mqtt.close();
    await stack.stop();
  }
}

/** Node-RED and ShelfWatch in turn, `rounds` times each, so both see the same machine. */
export async function peerFigures(options: { n: number; rounds: number }): Promise<PeerFigures> {
  const runs: PeerRun[] = [];
  let peerError: string | null = null;
  for (let round = 0; round < options.rounds; round++) {
    if (peerError === null) {
      try {
        const r = await runNodeRed(options.n);
        runs.push(r);
        log(`peer round ${round + 1}/${options.rounds}: Node-RED ${r.perSec} readings/s (load ${r.loadAvg1})`);
      } catch (err) {
        peerError = (err as Error).message;
        log(`peer: Node-RED could not run: ${peerError}`);
      }
    }
    const s = await runShelfWatch(options.n);
    runs.push(s);
    log(`peer round ${round + 1}/${options.rounds}: ShelfWatch ${s.perSec} readings/s (load ${s.loadAvg1})`);
  }
  const of = (system: PeerRun['system']) => runs.filter((r) => r.system === system).map((r) => r.perSec);
  const nodered = of('nodered').length > 0 ? Math.round(median(of('nodered'))) : null;
  const shelfwatch = Math.round(median(of('shelfwatch')));
  return {
    n: options.n,
    inFlight: IN_FLIGHT,
    probes: PROBES,
    noderedPerSec: nodered,
    shelfwatchPerSec: shelfwatch,
    ratio: nodered ? Math.round((shelfwatch / nodered) * 100) / 100 : null,
    runs,
    peerError,
  };
}
