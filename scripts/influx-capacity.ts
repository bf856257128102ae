/**
 * What one influxd on this machine sustains and holds for a large store's raw readings, the
 * figures behind docs/chain-time-series.md:
 *  - plays the simulator's large-store scenario (5,000 slots reporting at 2 Hz, 100 cameras,
 *    60 cases with 3 probes and a controller each) through the gateway's own decoding, so the
 *    points are the ones its InfluxDB sink stores, with real values (compression depends on them);
 *  - writes the first TIMED_MINUTES as 5,000-point batches, two in flight (what the sink does at
 *    best): points/s and field values/s one influxd takes;
 *  - writes the rest untimed, lets influxd compact the shard fully and reports bytes on disk
 *    per point and per field value, and the exact series cardinality.
 *
 *   npm run build && node dist/scripts/influx-capacity.js
 *   (CAPACITY_MINUTES: store minutes, default 10; CAPACITY_HEARTBEAT_S: the boards' heartbeat)
 *
 * stdout carries only the result (JSON); progress goes to stderr.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readingToPoint, type Reading } from '@shelfwatch/contracts';
import { scenarioFromObject, SimEngine, type Scenario } from '@shelfwatch/firmware-sim';
import { toLineProtocol } from '@shelfwatch/service-kit';
import { influxQuery, repoRoot, startInfluxd, waitUntil, type InfluxdHandle } from '@shelfwatch/test-support';
import { gatewayDecoder } from './gateway-decoded.js';

// stdout carries only the result; node-opcua (loaded with the gateway) warns with console.log.
console.log = console.error;

const MINUTES = Number(process.env.CAPACITY_MINUTES ?? 10);
/** The scenario's boards report every channel every 0.5 s (a stress load); the firmware's default is every 10 s plus changes. */
const HEARTBEAT_S = process.env.CAPACITY_HEARTBEAT_S === undefined ? undefined : Number(process.env.CAPACITY_HEARTBEAT_S);
/**
 * A point's timestamp carries a sub-millisecond offset derived from its reading id (a retried
 * write lands on the same point). CAPACITY_WHOLE_MS=1 drops it, to measure what it costs on disk.
 */
const WHOLE_MS = process.env.CAPACITY_WHOLE_MS === '1';
const TIMED_MINUTES = 2;
const BATCH = 5_000;
const IN_FLIGHT = 2;
const DATABASE = 'capacity';
const START = '2026-03-02T18:00:00+01:00';

const log = (text: string) => process.stderr.write(`[influx-capacity +${Math.round(performance.now() / 1000)}s] ${text}\n`);

/** The large-store scenario, `minutes` long, the boards' heartbeat overridden if asked. */
async function largeStore(minutes: number): Promise<{ scenario: Scenario; heartbeatS: number }> {
  const raw = JSON.parse(await readFile(path.join(repoRoot(import.meta.dirname), 'firmware-sim/scenarios/large-store.json'), 'utf8')) as {
    settings: { boards: { heartbeatS: number } } & Record<string, unknown>;
  };
  const boards = { ...raw.settings.boards, heartbeatS: HEARTBEAT_S ?? raw.settings.boards.heartbeatS };
  const scenario = await scenarioFromObject({ ...raw, settings: { ...raw.settings, boards, startTime: START, durationS: minutes * 60 }, timeline: [] });
  return { scenario, heartbeatS: boards.heartbeatS };
}

/** The scenario's readings as the store's gateway stores them, one simulated minute at a time. */
function* storeMinutes(scenario: Scenario): Generator<Reading[]> {
  const decode = gatewayDecoder(scenario.layout);
  const engine = new SimEngine({ scenario, seed: 1, sink: () => undefined });
  let minute: Reading[] = [];
  let minuteEnds = Date.parse(START) + 60_000;
  while (!engine.done) {
    const out = engine.step();
    minute.push(...decode(out));
    if (out.nowMs >= minuteEnds) {
      yield minute;
      minute = [];
      minuteEnds += 60_000;
    }
  }
  // A part-minute left at the end is not counted: every figure is per whole store-minute.
}

interface Bodies {
  bodies: string[];
  points: number;
  fields: number;
}

function toBodies(readings: Reading[]): Bodies {
  const points = readings.map(readingToPoint).map((p) => (WHOLE_MS ? { ...p, timestampNs: `${p.timestampNs.slice(0, -6)}000000` } : p));
  const bodies: string[] = [];
  for (let i = 0; i < points.length; i += BATCH) bodies.push(toLineProtocol(points.slice(i, i + BATCH)));
  return { bodies, points: points.length, fields: points.reduce((n, p) => n + Object.keys(p.fields).length, 0) };
}

async function post(influx: InfluxdHandle, bodies: string[], inFlight: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      // A busy influxd may answer a write with a timeout and still store it: writing the same points again is harmless.
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${influx.url}/write?db=${DATABASE}&precision=n`, { method: 'POST', body });
        if (res.status === 204) break;
        const text = await res.text();
        if (!text.includes('timeout') || attempt === 5) throw new Error(`influx write ${res.status}: ${text}`);
        log(`write timed out (attempt ${attempt}), writing again`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Bytes of TSM files (the compacted data) and how many there are, under influxd's data directory. */
async function tsmFiles(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.tsm')) continue;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
    files++;
  }
  return { bytes, files };
}

async function main(): Promise<void> {
  // Snapshot the cache and compact the shard fully seconds after the last write, not hours.
  const influx = await startInfluxd({ data: { 'cache-snapshot-write-cold-duration': '1s', 'compact-full-write-cold-duration': '5s' } });
  try {
    const { scenario, heartbeatS } = await largeStore(MINUTES);
    await influxQuery(influx.url, DATABASE, `CREATE DATABASE "${DATABASE}"`);
    const totals = { points: 0, fields: 0, storeSeconds: 0 };
    let timed: Bodies[] = [];
    let writeRate: { pointsPerSec: number; fieldsPerSec: number; points: number } | null = null;
    for (const readings of storeMinutes(scenario)) {
      const batch = toBodies(readings);
      totals.points += batch.points;
      totals.fields += batch.fields;
      totals.storeSeconds += 60;
      if (totals.storeSeconds <= TIMED_MINUTES * 60) {
        timed.push(batch);
        if (totals.storeSeconds < TIMED_MINUTES * 60) continue;
        const bodies = timed.flatMap((b) => b.bodies);
        const points = timed.reduce((n, b) => n + b.points, 0);
        const fields = timed.reduce((n, b) => n + b.fields, 0);
        log(`writing ${points} points (${TIMED_MINUTES} store minutes), timed`);
        const started = performance.now();
        await post(influx, bodies, IN_FLIGHT);
        const seconds = (performance.now() - started) / 1000;
        writeRate = { pointsPerSec: Math.round(points / seconds), fieldsPerSec: Math.round(fields / seconds), points };
        timed = [];
        continue;
      }
      await post(influx, batch.bodies, IN_FLIGHT);
      log(`${totals.storeSeconds / 60} of ${MINUTES} store minutes written`);
    }
    log('waiting for the full compaction');
    let last = { bytes: -1, files: -1 };
    // Settled: one TSM file per shard (a full compaction) and no change between two looks.
    const compacted = await waitUntil(
      async () => {
        const now = await tsmFiles(path.join(influx.dataDir, 'data', DATABASE));
        const settled = now.files === 1 && now.bytes === last.bytes;
        last = now;
        return settled ? now : undefined;
      },
      { timeoutMs: 600_000, intervalMs: 5_000, what: 'a fully compacted shard' },
    );
    // One row per measurement.
    const cardinality = Object.fromEntries(
      ((await influxQuery(influx.url, DATABASE, 'SHOW SERIES EXACT CARDINALITY')).results[0]?.series ?? []).map((s) => [s.name, Number(s.values[0]?.[0])] as const),
    );
    const result = {
      store: 'large-store scenario',
      boardHeartbeatS: heartbeatS,
      wholeMsTimestamps: WHOLE_MS,
      storeMinutes: totals.storeSeconds / 60,
      pointsPerStoreSecond: Math.round(totals.points / totals.storeSeconds),
      fieldsPerPoint: Math.round((totals.fields / totals.points) * 100) / 100,
      write: { batch: BATCH, inFlight: IN_FLIGHT, ...writeRate },
      disk: {
        tsmBytes: compacted.bytes,
        bytesPerPoint: Math.round((compacted.bytes / totals.points) * 100) / 100,
        bytesPerField: Math.round((compacted.bytes / totals.fields) * 100) / 100,
      },
      seriesCardinality: { total: Object.values(cardinality).reduce((a, b) => a + b, 0), ...cardinality },
      points: totals.points,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await influx.destroy();
  }
}

await main();
