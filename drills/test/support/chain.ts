import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INFLUX_DATABASE } from '@shelfwatch/contracts';
import { addToTrustList, type GatewayConfigInput, type GatewayStats } from '@shelfwatch/gateway';
import { freePort, influxQuery, makeTempDir, rowsOf, startInfluxd, startService, TEST_GATEWAY_TOKEN as TOKEN, testGatewayConfig, testLayout, waitUntil, writeTestGatewayFiles, type InfluxdHandle, type ManagedProcess, type ServiceProcess, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll } from 'vitest';
import { spawnBackend, writeBackendConfig } from './backend-process.js';

/**
 * The whole store chain as separate processes: influxd, the gateway (embedded broker) and
 * the backend, on fixed ports so either can be killed and restarted where the other expects it.
 */
export class Chain {
  dir!: TempDir;
  influxd!: InfluxdHandle;
  gateway: ServiceProcess<'gateway'> | undefined;
  backend: { proc: ManagedProcess; url: string } | undefined;
  gatewayConfig!: string;
  backendConfig!: string;
  dbPath!: string;
  backendUrl!: string;
  mqttPort!: number;

  constructor(
    private readonly options: {
      boards?: Record<string, { path: string }>;
      controllers?: Record<string, { endpointUrl: string }>;
      /** Controller id → its certificate (DER), placed in the gateway's OPC UA trust list. */
      controllerCertificates?: Record<string, Buffer>;
      webhookUrl?: string;
      /** The embedded broker's port, when devices must be told it before the chain is prepared. */
      mqttPort?: number;
    } = {},
  ) {}

  /** Writes every config and starts influxd; processes are started separately. */
  async prepare(): Promise<void> {
    [this.dir, this.influxd] = await Promise.all([makeTempDir('drill'), startInfluxd()]);
    const [backendPort, mqttPort] = [await freePort(), this.options.mqttPort ?? (await freePort())];
    this.mqttPort = mqttPort;
    const layoutFile = path.join(this.dir.path, 'layout.json');
    await writeFile(layoutFile, JSON.stringify(testLayout()));
    const b = await writeBackendConfig({ dir: this.dir.path, layoutFile, port: backendPort, ...(this.options.webhookUrl ? { webhookUrl: this.options.webhookUrl } : {}) });
    this.backendConfig = b.configFile;
    this.dbPath = b.dbPath;
    this.backendUrl = b.url;
    const gatewayConfig: GatewayConfigInput = testGatewayConfig({ influxUrl: this.influxd.url, backendUrl: b.url, mqttPort, ...(this.options.boards ? { boards: this.options.boards } : {}),
      ...(this.options.controllers ? { controllers: this.options.controllers } : {}),
    });
    this.gatewayConfig = await writeTestGatewayFiles(this.dir.path, gatewayConfig);
    // The gateway config's pkiDir ('pki') is resolved against its folder.
    for (const [id, der] of Object.entries(this.options.controllerCertificates ?? {})) await addToTrustList(path.join(this.dir.path, 'pki'), id, der);
  }

  async startGateway(): Promise<ServiceProcess<'gateway'>> {
    this.gateway = await startService('gateway', this.gatewayConfig);
    return this.gateway;
  }

  async startBackend(): Promise<void> {
    this.backend = await spawnBackend(this.backendConfig);
  }

  async gatewayStats(): Promise<GatewayStats> {
    const res = await fetch(`${this.gateway!.ready.httpUrl}/api/v1/stats`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) throw new Error(`gateway stats ${res.status}`);
    return (await res.json()) as GatewayStats;
  }

  async gatewayHealthy(): Promise<boolean> {
    const res = await fetch(`${this.gateway!.ready.httpUrl}/healthz`);
    return res.status === 200;
  }

  /** Waits until both sinks have delivered everything in the outbox. */
  async drained(timeoutMs = 90_000): Promise<void> {
    await waitUntil(
      async () => {
        const { outboxPending } = await this.gatewayStats();
        return (outboxPending.influx ?? -1) === 0 && (outboxPending.backend ?? -1) === 0;
      },
      { timeoutMs, intervalMs: 200, what: 'the gateway outbox to drain to 0 for influx and backend' },
    );
  }

  async countPoints(measurement: string, field: string, where = ''): Promise<number> {
    const rows = rowsOf(await influxQuery(this.influxd.url, INFLUX_DATABASE, `SELECT count(${field}) FROM ${measurement}${where ? ` WHERE ${where}` : ''}`));
    return Number(rows[0]?.count ?? 0);
  }

  async stop(): Promise<void> {
    await this.gateway?.proc.stop();
    await this.backend?.proc.stop();
    await this.influxd?.destroy();
    await this.dir?.remove();
  }
}

/** A prepared chain with the backend and the gateway running for the tests of the calling describe block, stopped after them. */
export function runningChain(): Chain {
  const chain = new Chain();
  beforeAll(async () => {
    await chain.prepare();
    await chain.startBackend();
    await chain.startGateway();
  });
  afterAll(() => chain.stop());
  return chain;
}
