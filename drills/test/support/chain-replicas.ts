import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendConfigInput } from '@shelfwatch/backend';
import { freePort, startService, testLayout, type ServiceProcess } from '@shelfwatch/test-support';
import { BACKEND_TOKENS, SUPPLIER_SECRET } from './backend-process.js';
import { CHAIN_SUPPLIER, type StorePlan } from './chain-stores.js';

/**
 * A chain's backend: `count` replicas of the compiled backend (plain node, as in production)
 * on one PostgreSQL database, each with the SAME config but its port, on fixed ports so a
 * restarted replica is where the gateways expect it. Each store's gateway token is allowed
 * that store only.
 */
export interface ReplicaSetOptions {
  count: number;
  dir: string;
  /** The database every replica uses (given as SHELFWATCH_DATABASE_URL, as a deployment would). */
  databaseUrl: string;
  plans: readonly StorePlan[];
  /** Store id → its gateway's token. */
  gatewayTokens: ReadonlyMap<string, string>;
  /** Where the chain supplier's webhooks go. */
  webhookUrl: string;
}

export class ReplicaSet {
  private readonly running: (ServiceProcess<'backend'> | undefined)[];

  private constructor(
    private readonly options: ReplicaSetOptions,
    readonly urls: readonly string[],
    private readonly configFiles: readonly string[],
  ) {
    this.running = configFiles.map(() => undefined);
  }

  /** Writes the stores' layouts and each replica's config file; starts nothing. */
  static async prepare(options: ReplicaSetOptions): Promise<ReplicaSet> {
    const layoutDir = path.join(options.dir, 'layouts');
    await mkdir(layoutDir, { recursive: true });
    const layoutFiles = await Promise.all(
      options.plans.map(async ({ storeId }) => {
        const file = path.join(layoutDir, `${storeId}.json`);
        await writeFile(file, JSON.stringify(testLayout(storeId)));
        return file;
      }),
    );
    const shared = chainBackendConfig(options, layoutFiles);
    const ports = await Promise.all(Array.from({ length: options.count }, () => freePort()));
    const configFiles = await Promise.all(
      ports.map(async (port, i) => {
        const file = path.join(options.dir, `replica-${i}.json`);
        await writeFile(file, JSON.stringify({ ...shared, http: { host: '127.0.0.1', port } } satisfies BackendConfigInput));
        return file;
      }),
    );
    return new ReplicaSet(
      options,
      ports.map((p) => `http://127.0.0.1:${p}`),
      configFiles,
    );
  }

  /** Starts replica `i` (again, after a kill) and resolves once it is ready. */
  async start(i: number): Promise<void> {
    if (this.running[i]) throw new Error(`replica ${i} is already running`);
    const file = this.configFiles[i];
    if (file === undefined) throw new Error(`no replica ${i}`);
    this.running[i] = await startService('backend', file, {
      name: `replica-${i}`,
      env: { SHELFWATCH_DATABASE_URL: this.options.databaseUrl },
      logFile: path.join(this.options.dir, `replica-${i}.log`),
    });
  }

  async startAll(): Promise<void> {
    // One after the other: the first migrates the schema; the others find it done (a lock makes a race safe too).
    for (let i = 0; i < this.urls.length; i++) await this.start(i);
  }

  /** `kill -9` of replica `i`: no shutdown, whatever it held in flight is cut. */
  async kill(i: number): Promise<void> {
    const replica = this.running[i];
    this.running[i] = undefined;
    await replica?.proc.kill('SIGKILL');
  }

  /** Whether replica `i` is running and has not exited since it was started (it recovered on its own). */
  alive(i: number): boolean {
    const replica = this.running[i];
    return replica !== undefined && replica.proc.child.exitCode === null && replica.proc.child.signalCode === null;
  }

  /** The HTTP status of replica `i`'s /healthz. */
  async health(i: number): Promise<number> {
    return (await fetch(`${this.urls[i] ?? ''}/healthz`)).status;
  }

  /** The pid of replica `i`, to show it is the same process before and after an outage. */
  pid(i: number): number | undefined {
    return this.running[i]?.proc.child.pid;
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.flatMap((r) => (r ? [r.stop()] : [])));
    this.running.fill(undefined);
  }
}

/** What every replica's config holds: the stores, their gateways' tokens, the people's tokens, the supplier. */
function chainBackendConfig(o: ReplicaSetOptions, layoutFiles: string[]): Omit<BackendConfigInput, 'http'> {
  return {
    storage: { kind: 'postgres' },
    layoutFiles,
    tokens: [
      ...o.plans.map(({ storeId }) => ({ token: o.gatewayTokens.get(storeId) ?? '', role: 'device' as const, subject: `gw-${storeId}`, storeIds: [storeId] })),
      { token: BACKEND_TOKENS.ops, role: 'operations', subject: 'olga' },
      { token: BACKEND_TOKENS.staff, role: 'staff', subject: 'alice' },
    ],
    suppliers: { [CHAIN_SUPPLIER]: { webhookUrl: `${o.webhookUrl}/${CHAIN_SUPPLIER}`, webhookSecret: SUPPLIER_SECRET } },
    // The drills' webhook receiver listens on loopback.
    webhooks: { allowPrivateNetworks: ['127.0.0.1/32'] },
    // Escalation runs on the backend's clock, not the readings' time: kept out of a drill's reconciliation.
    escalation: { out_of_stock: 24 * 60, temperature_excursion: 24 * 60 },
  };
}
