import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeviceCredentials, StoreLayout } from '@shelfwatch/contracts';
import { startInfluxd, type InfluxdHandle } from './influxd.js';
import { startService, type ReadyService, type ServiceProcess } from './start-service.js';
import { makeTempDir } from './temp-dir.js';
import { waitUntil } from './wait.js';

/**
 * One store's chain on this machine, as production runs it: influxd, the backend and the
 * gateway (embedded broker), each its own process on loopback. The demo, the eval, the bench
 * and the drills all start a store through this, so files, ports, ready lines and the order
 * of stopping are decided once.
 *
 * test-support cannot depend on the services (their tests depend on it), so the configs are
 * finished by the caller: `backend(base, files)` and `gateway(base, files)` return the file
 * written, and the caller annotates them with the services' own input types
 * (`(base): GatewayConfigInput => ({ ...base, … })`), which checks the whole config.
 */

/** Where the stack put things, for the config hooks and the callers. */
export interface StackFiles {
  dir: string;
  layoutFile: string;
  credentialsFile: string;
  influxUrl: string;
  /** The gateway's OPC UA PKI folder: trusted controller certificates go here (the gateway's addToTrustList). */
  pkiDir: string;
  backendUrl: string;
  mqttPort: number;
}

function stackBackendBase(files: StackFiles, port: number) {
  return {
    http: { host: '127.0.0.1', port },
    dbPath: path.join(files.dir, 'backend.sqlite'),
    layoutFiles: [files.layoutFile],
  };
}
export type StackBackendBase = ReturnType<typeof stackBackendBase>;

function stackGatewayBase(files: StackFiles, gatewayId: string, token: string) {
  return {
    gatewayId,
    layoutFile: files.layoutFile,
    credentialsFile: files.credentialsFile,
    mqtt: { mode: 'embedded' as const, host: '127.0.0.1', port: files.mqttPort },
    serial: { boards: {} as Record<string, { path: string }> },
    opcua: { controllers: {} as Record<string, { endpointUrl: string }>, pkiDir: files.pkiDir },
    influx: { url: files.influxUrl },
    backend: { url: files.backendUrl, token },
    outbox: { path: path.join(files.dir, 'gateway-outbox.sqlite') },
    http: { host: '127.0.0.1', port: 0 },
  };
}
export type StackGatewayBase = ReturnType<typeof stackGatewayBase>;

export interface StackOptions {
  layout: StoreLayout;
  credentials: DeviceCredentials;
  /** The gateway's id and its bearer token for the backend (the backend's config must know it). */
  gatewayId: string;
  gatewayToken: string;
  /** Where configs, data and logs go; default a temporary folder, removed by stop(). */
  dir?: string;
  /** Use this InfluxDB (left running) instead of a private influxd in `<dir>/influx`. */
  influxUrl?: string;
  /** The backend's port: 0 (default) picks one at start; a fixed one keeps a restarted backend where the gateway expects it. */
  backendPort?: number;
  /** The embedded broker's port; devices told it before the gateway starts need a fixed one (see freePort). 0: any. */
  mqttPort?: number;
  /** Each service's output appended to `<logs.dir, default the stack's dir>/<service>.log` at this LOG_LEVEL; without it, warn and not kept. */
  logs?: { dir?: string; level: string };
  /** The backend's config file, from the stack's part (port, database, layout). */
  backend: (base: StackBackendBase, files: StackFiles) => object;
  /** The gateway's config file, from the stack's part (files, broker, sinks, outbox); called before its first start. */
  gateway: (base: StackGatewayBase, files: StackFiles) => object | Promise<object>;
  /** After each gateway start, wait until its /healthz is ok (every serial port and OPC UA session up). Default true. */
  awaitGatewayHealthy?: boolean;
}

export class Stack {
  backend: ServiceProcess<'backend'> | undefined;
  gateway: ServiceProcess<'gateway'> | undefined;
  private gatewayConfigFile: string | undefined;
  private constructor(
    readonly files: StackFiles,
    readonly influxd: InfluxdHandle | undefined,
    private readonly backendConfigFile: string,
    private readonly options: StackOptions,
    private readonly removeDir: (() => Promise<void>) | undefined,
  ) {}

  /**
   * Writes the store's files and the backend's config and starts influxd; the backend and the
   * gateway are started by the caller (see startStack). If this fails part-way, what started is stopped.
   */
  static async prepare(options: StackOptions): Promise<Stack> {
    const temp = options.dir === undefined ? await makeTempDir('stack') : undefined;
    const dir = options.dir ?? temp!.path;
    await mkdir(dir, { recursive: true });
    let influxd: InfluxdHandle | undefined;
    try {
      const layoutFile = path.join(dir, 'store.json');
      const credentialsFile = path.join(dir, 'devices.json');
      await writeFile(layoutFile, JSON.stringify(options.layout, null, 2));
      await writeFile(credentialsFile, JSON.stringify(options.credentials, null, 2));
      influxd = options.influxUrl === undefined ? await startInfluxd({ dataDir: path.join(dir, 'influx') }) : undefined;
      const backendPort = options.backendPort ?? 0;
      const files: StackFiles = {
        dir,
        layoutFile,
        credentialsFile,
        influxUrl: influxd?.url ?? options.influxUrl!,
        pkiDir: path.join(dir, 'gateway-pki'),
        // Known up front with a fixed port; otherwise set from the backend's ready line.
        backendUrl: backendPort ? `http://127.0.0.1:${backendPort}` : '',
        mqttPort: options.mqttPort ?? 0,
      };
      const backendConfigFile = path.join(dir, 'backend.json');
      await writeJson(backendConfigFile, options.backend(stackBackendBase(files, backendPort), files));
      return new Stack(files, influxd, backendConfigFile, options, temp && (() => temp.remove()));
    } catch (err) {
      await influxd?.destroy();
      await temp?.remove();
      throw err;
    }
  }

  get backendUrl(): string {
    return this.files.backendUrl;
  }

  get gatewayUrl(): string {
    return this.gateway?.ready.httpUrl ?? '';
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.gateway?.ready.mqttPort ?? this.files.mqttPort}`;
  }

  async startBackend(): Promise<ServiceProcess<'backend'>> {
    this.backend = await this.start('backend', this.backendConfigFile);
    this.files.backendUrl = this.backend.ready.url;
    return this.backend;
  }

  async stopBackend(): Promise<void> {
    await this.backend?.stop();
  }

  /** Starts the gateway (again, after stopGateway or a crash) with the config written before its first start. */
  async startGateway(): Promise<ServiceProcess<'gateway'>> {
    if (this.gatewayConfigFile === undefined) {
      const file = path.join(this.files.dir, 'gateway.json');
      await writeJson(file, await this.options.gateway(stackGatewayBase(this.files, this.options.gatewayId, this.options.gatewayToken), this.files));
      this.gatewayConfigFile = file;
    }
    const gateway = await this.start('gateway', this.gatewayConfigFile);
    this.gateway = gateway;
    if (this.options.awaitGatewayHealthy === false) return gateway;
    // "Ready" means listening; serial ports and OPC UA sessions come up just after. A simulation
    // (re)starts its clock only then, or values set in between would be readings no
    // subscription could ever see.
    await waitUntil(async () => ((await (await fetch(`${gateway.ready.httpUrl}/healthz`)).json()) as { ok: boolean }).ok, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'the gateway to open every serial port and OPC UA session',
    });
    return gateway;
  }

  async stopGateway(): Promise<void> {
    await this.gateway?.stop();
  }

  /** Stops the stack's influxd (an outage); its data stays for startInfluxd(). */
  async stopInfluxd(): Promise<void> {
    await this.ownInfluxd().stop();
  }

  /** Starts the stack's influxd again, on the same port and data. */
  async startInfluxd(): Promise<void> {
    await this.ownInfluxd().start();
  }

  /**
   * Stops the gateway, the backend and influxd, in that order; each step runs even if one
   * before failed. A temporary folder is removed; a caller's folder keeps its data.
   */
  async stop(): Promise<void> {
    const steps = [() => this.stopGateway(), () => this.stopBackend(), () => (this.removeDir ? this.influxd?.destroy() : this.influxd?.stop()), () => this.removeDir?.()];
    const errors: unknown[] = [];
    for (const step of steps) await Promise.resolve(step()).catch((err: unknown) => errors.push(err));
    if (errors.length) throw new AggregateError(errors, `stopping the stack: ${errors.map((e) => (e as Error).message).join('; ')}`);
  }

  private ownInfluxd(): InfluxdHandle {
    if (!this.influxd) throw new Error(`the stack uses the InfluxDB at ${this.files.influxUrl}, not its own`);
    return this.influxd;
  }

  private start<S extends ReadyService>(service: S, configFile: string): Promise<ServiceProcess<S>> {
    const { logs } = this.options;
    return startService(service, configFile, logs ? { logFile: path.join(logs.dir ?? this.files.dir, `${service}.log`), env: { LOG_LEVEL: logs.level } } : {});
  }
}

/** A whole running stack: influxd, the backend, then the gateway. If any fails to start, everything started is stopped. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const stack = await Stack.prepare(options);
  try {
    await stack.startBackend();
    await stack.startGateway();
    return stack;
  } catch (err) {
    await stack.stop().catch(() => undefined);
    throw err;
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
