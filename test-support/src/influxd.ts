import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';
import { makeTempDir, type TempDir } from './temp-dir.js';
import { waitUntil } from './wait.js';

export const INFLUXD_BINARY = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';

export interface InfluxdHandle {
  url: string;
  host: string;
  port: number;
  dataDir: string;
  /** Stops the server (SIGTERM); data stays, so start() brings it back with its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
  running(): boolean;
}

function configText(dir: string, httpPort: number, rpcPort: number, data: Record<string, string>): string {
  // The top-level bind-address is the backup/RPC port: left at its default (8088) two
  // instances collide, so it gets a free port too.
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${path.join(dir, 'meta')}"
[data]
  dir = "${path.join(dir, 'data')}"
  wal-dir = "${path.join(dir, 'wal')}"
  query-log-enabled = false
  trace-logging-enabled = false
${Object.entries(data)
  .map(([key, value]) => `  ${key} = ${JSON.stringify(value)}\n`)
  .join('')}[coordinator]
  log-queries-after = "0s"
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  auth-enabled = false
[continuous_queries]
  log-enabled = false
  run-interval = "1s"
[logging]
  level = "warn"
`;
}

export interface InfluxdOptions {
  /** Keep data here instead of a fresh temporary directory (the demo does). */
  dataDir?: string;
  port?: number;
  /** More [data] settings, e.g. short compaction timings to measure what a shard takes on disk once compacted. */
  data?: Record<string, string>;
}

/** Starts a private influxd on loopback with its own data directory; resolves once /ping answers. */
export async function startInfluxd(options: InfluxdOptions = {}): Promise<InfluxdHandle> {
  if (!existsSync(INFLUXD_BINARY)) {
    throw new Error(`influxd not found at ${INFLUXD_BINARY}: run 'npm run system-deps' (installs Debian's influxdb package)`);
  }
  let temp: TempDir | undefined;
  const dataDir = options.dataDir ?? (temp = await makeTempDir('influxd')).path;
  const port = options.port ?? (await freePort());
  const rpcPort = await freePort();
  await mkdir(dataDir, { recursive: true });
  const configFile = path.join(dataDir, 'influxdb.conf');
  await writeFile(configFile, configText(dataDir, port, rpcPort, options.data ?? {}));
  const url = `http://127.0.0.1:${port}`;
  let proc: ManagedProcess | undefined;

  const start = async () => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) return;
    const current = spawnManaged(INFLUXD_BINARY, ['run', '-config', configFile, '-pidfile', path.join(dataDir, 'influxd.pid')]);
    proc = current;
    let exitedEarly = false;
    void current.exited.then(() => {
      exitedEarly = true;
    });
    await waitUntil(
      async () => {
        if (exitedEarly) throw new Error(`influxd exited during start:\n${current.output()}`);
        const res = await fetch(`${url}/ping`);
        return res.status === 204;
      },
      // A restart replays the WAL first, which takes a while on a busy machine.
      { timeoutMs: 90_000, intervalMs: 25, what: `influxd on ${url}` },
    ).catch((err: unknown) => {
      void current.kill();
      throw err;
    });
  };

  await start();
  return {
    url,
    host: '127.0.0.1',
    port,
    dataDir,
    start,
    running: () => proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null,
    async stop() {
      await proc?.stop(10_000);
    },
    async destroy() {
      await proc?.stop(10_000);
      await temp?.remove();
    },
  };
}

/** Runs an InfluxQL query over HTTP and returns the parsed JSON (tests assert on it). */
export async function influxQuery(url: string, db: string, q: string): Promise<InfluxQueryResult> {
  const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}&epoch=ms&q=${encodeURIComponent(q)}`);
  if (!res.ok) throw new Error(`influx query failed ${res.status}: ${await res.text()}`);
  return (await res.json()) as InfluxQueryResult;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}
export interface InfluxQueryResult {
  results: { statement_id: number; series?: InfluxSeries[]; error?: string }[];
}

/** Rows of the first statement's series as objects keyed by column. */
export function rowsOf(result: InfluxQueryResult): Record<string, unknown>[] {
  const first = result.results[0];
  if (first?.error) throw new Error(first.error);
  return (first?.series ?? []).flatMap((s) =>
    s.values.map((v) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) })),
  );
}
