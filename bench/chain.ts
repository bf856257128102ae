import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BackendConfigInput } from '@shelfwatch/backend';
import type { Reading, StoreLayout } from '@shelfwatch/contracts';
import { makeTempDir, POSTGRES_BIN_DIR, startPostgres, startService, waitUntil, type PostgresHandle, type ServiceProcess } from '@shelfwatch/test-support';
import { cpuSeconds, treeCpuSeconds } from './cpu.js';
import { ingestBodies, postIngest } from './backend-ingest.js';
import type { PeakHourForwarding } from './forward-rate.js';
import { log } from './log.js';
import { buildLayout, PROFILES } from './stack.js';

/** Stores the chain's load is spread over (each its own storeId, layout, gateway and token). */
const STORES = Number(process.env.BENCH_CHAIN_STORES ?? 20);
/** Seconds of each store's peak hour sent untimed first (one camera cycle: every camera slot seen once), then timed. */
const WARMUP_S = Number(process.env.BENCH_CHAIN_WARMUP_S ?? 10);
const TIMED_S = Number(process.env.BENCH_CHAIN_TIMED_S ?? 10);
/** Replica counts measured, one run each. */
const REPLICA_COUNTS = (process.env.BENCH_CHAIN_REPLICAS ?? '1,2').split(',').map(Number);
/** A backend using less than this share of a core over a sample is done with what it was sent. */
const IDLE_CORE_SHARE = 0.1;
const IDLE_SAMPLE_MS = 200;
const IDLE_WAIT_MAX_MS = 120_000;
const run = promisify(execFile);

export interface ChainRun {
  replicas: number;
  /** Timed readings ÷ (first timed request → every replica done: last answer, then idle). */
  readingsPerSec: number | null;
  /** CPU seconds of the backend processes, and of PostgreSQL (postmaster and connections), over the timed part. */
  backendCpuS: number | null;
  postgresCpuS: number | null;
  /** Timed readings ÷ backendCpuS: what one backend core ingests and runs rules on. */
  readingsPerBackendCoreSec: number | null;
  /** readingsPerBackendCoreSec ÷ a large store's forwarded rate at its peak hour. */
  storesPerBackendCore: number | null;
  /** postgresCpuS ÷ backendCpuS: PostgreSQL cores needed per backend core. */
  postgresCoresPerBackendCore: number | null;
  /** Why a figure is null. */
  reason?: string;
  loadAvg?: number[];
}

export interface ChainFigures {
  stores: number;
  warmupS: number;
  timedS: number;
  timedReadings: number;
  runs: ChainRun[];
}

/** One store of the chain: its layout file, its gateway's token, and what it sends. */
interface ChainStore {
  storeId: string;
  gatewayId: string;
  token: string;
  layoutFile: string;
  warmup: string[];
  timed: string[];
  timedReadings: number;
}

/**
 * The backend on PostgreSQL as a chain runs it, for each count in REPLICA_COUNTS: that many
 * processes with one config and one database, and STORES stores whose gateways each post their own peak-hour stream (one request
 * in flight each, all stores at once), store i to replica i mod the count. Every store has
 * the large store's layout under its own id; its stream is a WARMUP_S + TIMED_S window of the
 * forwarded peak hour (the windows spread over the hour), moved to end just now.
 */
export async function chainFigures(forwarding: PeakHourForwarding): Promise<ChainFigures> {
  const dir = await makeTempDir('bench-chain');
  let pg: PostgresHandle | undefined;
  try {
    pg = await startPostgres();
    const postmasterPid = Number((await readFile(path.join(pg.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const { layout } = buildLayout(PROFILES.large);
    // Built once: each run has a database of its own, so the same readings are new to it.
    const stores = await chainStores(layout, forwarding.forwarded, dir.path);
    const configFile = await chainConfig(stores, dir.path);
    // A backend's first start writes every store's layout into the database (one row a slot:
    // 100,000 here); done once, into a template each run's database is copied from.
    log(`chain: ${stores.length} large stores' layouts into a template database (one backend start)`);
    const template = await pg.createDatabase();
    await stopAll(await startReplicas(1, configFile, template));
    const runs: ChainRun[] = [];
    for (const replicas of REPLICA_COUNTS) {
      const databaseUrl = await copyDatabase(pg, template, `chain_r${replicas}`);
      const run = await chainRun({ replicas, stores, configFile, databaseUrl, postmasterPid, forwardedPerSec: forwarding.forwardedPerSec }).catch((err: unknown) =>
        notMeasured(replicas, `failed: ${err instanceof Error ? err.message : String(err)}`),
      );
      log(
        run.reason === undefined
          ? `chain, ${replicas} replica(s), ${STORES} stores: ${run.readingsPerSec} readings/s, ${run.readingsPerBackendCoreSec} per backend core-s = ${run.storesPerBackendCore} large stores per backend core; PostgreSQL ${run.postgresCoresPerBackendCore} cores per backend core`
          : `chain, ${replicas} replica(s): ${run.reason}`,
      );
      runs.push(run);
    }
    return { stores: STORES, warmupS: WARMUP_S, timedS: TIMED_S, timedReadings: stores.reduce((n, s) => n + s.timedReadings, 0), runs };
  } finally {
    await pg?.stop();
    await dir.remove();
  }
}

/** A new database `name` copied from `template` (PostgreSQL's CREATE DATABASE … TEMPLATE); its URL. */
async function copyDatabase(pg: PostgresHandle, template: string, name: string): Promise<string> {
  const templateName = new URL(template).pathname.slice(1);
  await run(path.join(POSTGRES_BIN_DIR, 'createdb'), ['--maintenance-db', pg.url, '--template', templateName, name]);
  return pg.url.replace(/\/postgres$/, `/${name}`);
}

/** One config file for every replica, as a deployment has it: the stores' layouts and their gateways' tokens. */
async function chainConfig(stores: ChainStore[], dir: string): Promise<string> {
  const file = path.join(dir, 'backend.json');
  const config: BackendConfigInput = {
    http: { host: '127.0.0.1', port: 0 },
    storage: { kind: 'postgres' },
    layoutFiles: stores.map((s) => s.layoutFile),
    tokens: stores.map((s) => ({ token: s.token, role: 'device' as const, subject: s.gatewayId, storeIds: [s.storeId] })),
  };
  await writeFile(file, JSON.stringify(config));
  return file;
}

/** `count` backend processes on the database at `databaseUrl`, started together as a deployment starts them; all or none. */
async function startReplicas(count: number, configFile: string, databaseUrl: string): Promise<ServiceProcess<'backend'>[]> {
  const starts = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startService('backend', configFile, { name: `backend-${i + 1}`, env: { SHELFWATCH_DATABASE_URL: databaseUrl } })),
  );
  const started = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = starts.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll(started);
    throw failed.reason;
  }
  return started;
}

/** How many stores' rules run on each replica (their /healthz). */
async function storesPerReplica(backends: ServiceProcess<'backend'>[]): Promise<number[]> {
  return Promise.all(backends.map(async (b) => ((await (await fetch(`${b.ready.url}/healthz`)).json()) as { stores: string[] }).stores.length));
}

async function stopAll(backends: ServiceProcess<'backend'>[]): Promise<void> {
  for (const b of backends) await b.stop();
}

/** The chain's stores: layout files, tokens, and each one's request bodies. */
async function chainStores(layout: StoreLayout, forwarded: readonly Reading[], dir: string): Promise<ChainStore[]> {
  const first = forwarded[0]?.ts ?? 0;
  const spanMs = (forwarded.at(-1)?.ts ?? 0) - first;
  const windowMs = (WARMUP_S + TIMED_S) * 1000;
  const stores: ChainStore[] = [];
  for (let i = 0; i < STORES; i++) {
    const storeId = `chain-${String(i + 1).padStart(3, '0')}`;
    const gatewayId = `gw-${storeId}`;
    const layoutFile = path.join(dir, `${storeId}.json`);
    await writeFile(layoutFile, JSON.stringify({ ...layout, store: { ...layout.store, id: storeId, name: `Chain store ${i + 1}` } }));
    const start = first + Math.floor((i * Math.max(0, spanMs - windowMs)) / Math.max(1, STORES - 1));
    const timedFrom = start + WARMUP_S * 1000;
    const window = forwarded.filter((r) => r.ts >= start && r.ts < start + windowMs);
    const timed = window.filter((r) => r.ts >= timedFrom);
    const shift = Date.now() - 1_000 - (start + windowMs);
    const relabel = (r: Reading): Reading => ({ ...r, storeId, id: `${r.id}~${storeId}`, ts: r.ts + shift });
    stores.push({
      storeId,
      gatewayId,
      token: randomBytes(16).toString('hex'),
      layoutFile,
      warmup: ingestBodies(gatewayId, window.filter((r) => r.ts < timedFrom), relabel),
      timed: ingestBodies(gatewayId, timed, relabel),
      timedReadings: timed.length,
    });
  }
  return stores;
}

async function chainRun(opts: { replicas: number; stores: ChainStore[]; configFile: string; databaseUrl: string; postmasterPid: number; forwardedPerSec: number }): Promise<ChainRun> {
  const { replicas, stores } = opts;
  log(`chain, ${replicas} replica(s): starting them on one PostgreSQL database with ${stores.length} large stores`);
  const backends = await startReplicas(replicas, opts.configFile, opts.databaseUrl);
  try {
    // The first replica up takes every store; the others get their share over the next lease rounds.
    await waitUntil(async () => (await storesPerReplica(backends)).every((n) => n === Math.ceil(stores.length / replicas) || n === Math.floor(stores.length / replicas)), {
      timeoutMs: 60_000,
      what: 'the stores to be split between the replicas',
    });
    const send = (part: 'warmup' | 'timed') => Promise.all(stores.map((s, i) => postIngest(backends[i % replicas]!.ready.url, s.token, s[part])));
    log(`chain, ${replicas} replica(s): warming up (${WARMUP_S} s of every store's peak hour)`);
    await send('warmup');
    const pids = backends.map((b) => b.proc.child.pid!);
    const backendCpu = async () => (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
    const [backendBefore, postgresBefore] = [await backendCpu(), await treeCpuSeconds(opts.postmasterPid)];
    log(`chain, ${replicas} replica(s): timed (${TIMED_S} s of every store's peak hour, all stores at once)`);
    const started = performance.now();
    await send('timed');
    const ended = await idleSince(pids, performance.now());
    const backendCpuS = (await backendCpu()) - backendBefore;
    const postgresCpuS = (await treeCpuSeconds(opts.postmasterPid)) - postgresBefore;
    const readings = stores.reduce((n, s) => n + s.timedReadings, 0);
    const perCore = readings / backendCpuS;
    return {
      replicas,
      readingsPerSec: Math.round(readings / ((ended - started) / 1000)),
      backendCpuS: round(backendCpuS, 2),
      postgresCpuS: round(postgresCpuS, 2),
      readingsPerBackendCoreSec: Math.round(perCore),
      storesPerBackendCore: round(perCore / opts.forwardedPerSec, 1),
      postgresCoresPerBackendCore: round(postgresCpuS / backendCpuS, 2),
      loadAvg: os.loadavg().map((l) => round(l, 2)),
    };
  } finally {
    await stopAll(backends);
  }
}

/**
 * When the backends were last busy, from `since` on: they have answered everything, but a
 * replica may still be working on what it accepted for a store another one owns. Sampled
 * every IDLE_SAMPLE_MS; the end is the start of the first sample in which every one was idle.
 */
async function idleSince(pids: number[], since: number): Promise<number> {
  let from = since;
  let cpu = await Promise.all(pids.map(cpuSeconds));
  while (performance.now() - since < IDLE_WAIT_MAX_MS) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
    const now = performance.now();
    const next = await Promise.all(pids.map(cpuSeconds));
    const busy = next.some((c, i) => (c - cpu[i]!) / ((now - from) / 1000) > IDLE_CORE_SHARE);
    if (!busy) return from;
    [from, cpu] = [now, next];
  }
  throw new Error(`the replicas were still busy ${IDLE_WAIT_MAX_MS / 1000} s after answering everything`);
}

function notMeasured(replicas: number, reason: string): ChainRun {
  return { replicas, readingsPerSec: null, backendCpuS: null, postgresCpuS: null, readingsPerBackendCoreSec: null, storesPerBackendCore: null, postgresCoresPerBackendCore: null, reason };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
