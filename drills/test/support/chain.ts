import path from 'node:path';
import { INFLUX_DATABASE } from '@shelfwatch/contracts';
import type { BackendConfigInput } from '@shelfwatch/backend';
import { addToTrustList, type GatewayConfigInput, type GatewayStats } from '@shelfwatch/gateway';
import { freePort, influxQuery, rowsOf, TEST_GATEWAY_TOKEN as TOKEN, testCredentials, testLayout, waitUntil } from '@shelfwatch/test-support';
import { Stack } from '@shelfwatch/test-support/stack';
import { afterAll, beforeAll } from 'vitest';
import { drillBackendConfig } from './backend-process.js';

/**
 * The test store's chain (a Stack: influxd, the backend, the gateway with its embedded broker),
 * on fixed ports so either service can be killed and restarted where the other expects it,
 * with what the drills ask of it.
 */
export class Chain {
  stack!: Stack;

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

  /** Writes every config and starts influxd; the services are started separately. */
  async prepare(): Promise<void> {
    const { options } = this;
    this.stack = await Stack.prepare({
      layout: testLayout(),
      credentials: testCredentials(),
      gatewayId: 'gw-1',
      gatewayToken: TOKEN,
      backendPort: await freePort(),
      mqttPort: options.mqttPort ?? (await freePort()),
      // The drills watch the gateway come up (and fail to) themselves.
      awaitGatewayHealthy: false,
      backend: (base): BackendConfigInput => ({ ...base, ...drillBackendConfig(options.webhookUrl) }),
      gateway: async (base): Promise<GatewayConfigInput> => {
        for (const [id, der] of Object.entries(options.controllerCertificates ?? {})) await addToTrustList(base.opcua.pkiDir, id, der);
        return { ...base, serial: { boards: options.boards ?? {} }, opcua: { controllers: options.controllers ?? {}, pkiDir: base.opcua.pkiDir } };
      },
    });
  }

  get gateway() {
    return this.stack.gateway;
  }

  get backend() {
    return this.stack.backend;
  }

  get backendUrl(): string {
    return this.stack.backendUrl;
  }

  get mqttPort(): number {
    return this.stack.files.mqttPort;
  }

  get dbPath(): string {
    return path.join(this.stack.files.dir, 'backend.sqlite');
  }

  startGateway() {
    return this.stack.startGateway();
  }

  startBackend() {
    return this.stack.startBackend();
  }

  async gatewayStats(): Promise<GatewayStats> {
    const res = await fetch(`${this.stack.gatewayUrl}/api/v1/stats`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) throw new Error(`gateway stats ${res.status}`);
    return (await res.json()) as GatewayStats;
  }

  async gatewayHealthy(): Promise<boolean> {
    const res = await fetch(`${this.stack.gatewayUrl}/healthz`);
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
    const rows = rowsOf(await influxQuery(this.stack.files.influxUrl, INFLUX_DATABASE, `SELECT count(${field}) FROM ${measurement}${where ? ` WHERE ${where}` : ''}`));
    return Number(rows[0]?.count ?? 0);
  }

  async stop(): Promise<void> {
    await this.stack?.stop();
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
