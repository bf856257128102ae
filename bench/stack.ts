import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeviceCredentials, StoreLayout } from '@shelfwatch/contracts';
import { generateLayout, type GeneratedLayoutSpec } from '@shelfwatch/firmware-sim';
import type { BackendConfigInput } from '@shelfwatch/backend';
import { addToTrustList, type GatewayConfigInput } from '@shelfwatch/gateway';
import { makeTempDir, readReadyLine, spawnManaged } from '@shelfwatch/test-support';
import { Stack, startStack as startWholeStack, type StackOptions } from '@shelfwatch/test-support/stack';
import type { ControllerFarmConfig } from './controller-farm.js';

export type { Stack };

/** Bench-only tokens, generated per run (never shipped anywhere). */
export const TOKENS = {
  gateway: 'bench-gateway-4c821ead8d31a3a2aa671ca7705f88f0',
  ops: 'bench-operations-50e8d8523ed0ac509446903c6cebadef',
};
export const GATEWAY_ID = 'gw-bench';

/** The store sizes the benchmarks measure (a small store and a large one), as generateLayout specs. */
export const PROFILES: Record<'small' | 'large', GeneratedLayoutSpec> = {
  small: { storeId: 'bench-small', name: 'Bench small store', timezone: 'Europe/Berlin', aisles: 5, shelvesPerAisle: 5, slotsPerShelf: 20, products: 200, suppliers: 3, cameras: 10, slotsPerCamera: 40, cases: 20, probesPerCase: 3 },
  large: { storeId: 'bench-large', name: 'Bench large store', timezone: 'Europe/Berlin', aisles: 25, shelvesPerAisle: 5, slotsPerShelf: 40, products: 600, suppliers: 6, cameras: 100, slotsPerCamera: 40, cases: 60, probesPerCase: 3 },
};

/** Readings/s a large store forwards: 5,000 slots at 2 Hz + 100 cameras × 40 slots / 10 s + 180 probes / 60 s. */
export const LARGE_STORE_READINGS_PER_SEC = 5_000 * 2 + (100 * 40) / 10 + 180 / 60;

export function buildLayout(spec: GeneratedLayoutSpec): { layout: StoreLayout; credentials: DeviceCredentials } {
  const layout = generateLayout(spec);
  const credentials: DeviceCredentials = {};
  for (const cam of layout.cameras) credentials[cam.id] = { password: `pw-${cam.id}-bench` };
  for (const c of layout.cases) {
    credentials[c.controllerId] = { password: `pw-${c.controllerId}-bench` };
    for (const p of c.probes) credentials[p.id] = { password: `pw-${p.id}-bench` };
  }
  return { layout, credentials };
}

export interface ControllerFarm {
  /** controller id → OPC UA endpoint, as the gateway's opcua.controllers wants it. */
  endpoints: Record<string, { endpointUrl: string }>;
  /** controller id → its certificate (DER), for the gateway's OPC UA trust list. */
  certificates: Record<string, Buffer>;
  stop(): Promise<void>;
}

/**
 * The store's case controllers (the first `count` cases of the layout) as OPC UA servers in
 * a process of their own (controller-farm.ts), so they load neither the gateway nor the bench.
 */
export async function startControllerFarm(layout: StoreLayout, credentials: DeviceCredentials, count: number): Promise<ControllerFarm> {
  const tmp = await makeTempDir('bench-controllers');
  const config: ControllerFarmConfig = {
    pkiDir: path.join(tmp.path, 'pki'),
    controllers: layout.cases.slice(0, count).map((c) => ({ controllerId: c.controllerId, caseId: c.id, password: credentials[c.controllerId]!.password, setpointC: c.setpointC })),
  };
  const configFile = path.join(tmp.path, 'controllers.json');
  await writeFile(configFile, JSON.stringify(config));
  // Compiled (npm run bench) next to this file; from the sources through tsx.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = path.join(import.meta.dirname, `controller-farm.${fromSource ? 'ts' : 'js'}`);
  const proc = spawnManaged(process.execPath, [...(fromSource ? ['--import', 'tsx', '--conditions=shelfwatch-source'] : ['--enable-source-maps']), entry, configFile]);
  const stop = async () => {
    await proc.stop(10_000);
    await tmp.remove();
  };
  try {
    const ready = (await readReadyLine(proc, 'controller farm')) as { endpoints: Record<string, string>; certificates: Record<string, string> };
    return {
      endpoints: Object.fromEntries(Object.entries(ready.endpoints).map(([id, endpointUrl]) => [id, { endpointUrl }])),
      certificates: Object.fromEntries(Object.entries(ready.certificates).map(([id, der]) => [id, Buffer.from(der, 'base64')])),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * influxd + the backend + the gateway (embedded broker), each a real process on loopback,
 * wired like the demo: MQTT devices, serial boards and OPC UA controllers (given).
 */
export async function startStack(opts: {
  layout: StoreLayout;
  credentials: DeviceCredentials;
  withGateway?: boolean;
  serialBoards?: Record<string, { path: string }>;
  controllers?: Record<string, { endpointUrl: string }>;
  /** Their certificates (DER): placed in the gateway's OPC UA trust list. */
  controllerCertificates?: Record<string, Buffer>;
}): Promise<Stack> {
  const options: StackOptions = {
    layout: opts.layout,
    credentials: opts.credentials,
    gatewayId: GATEWAY_ID,
    gatewayToken: TOKENS.gateway,
    logs: { level: process.env.LOG_LEVEL ?? 'info' },
    backend: (base, files): BackendConfigInput => ({
      ...base,
      tokens: [
        { token: TOKENS.gateway, role: 'device', subject: GATEWAY_ID },
        { token: TOKENS.ops, role: 'operations', subject: 'bench-ops' },
      ],
      influx: { url: files.influxUrl },
    }),
    gateway: async (base): Promise<GatewayConfigInput> => {
      for (const [id, der] of Object.entries(opts.controllerCertificates ?? {})) await addToTrustList(base.opcua.pkiDir, id, der);
      return { ...base, serial: { boards: opts.serialBoards ?? {} }, opcua: { controllers: opts.controllers ?? {}, pkiDir: base.opcua.pkiDir } };
    },
  };
  if (opts.withGateway !== false) return startWholeStack(options);
  const stack = await Stack.prepare(options);
  try {
    await stack.startBackend();
    return stack;
  } catch (err) {
    await stack.stop().catch(() => undefined);
    throw err;
  }
}

/** Peak resident set (VmHWM) of a process in MB; null once it is gone. */
export async function peakRssMb(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}

/** Outbox rows still pending, summed over the gateway's sinks. */
export async function outboxPending(gatewayUrl: string): Promise<Record<string, number>> {
  const res = await fetch(`${gatewayUrl}/healthz`);
  const health = (await res.json()) as { outbox?: { pending?: Record<string, number> } };
  return health.outbox?.pending ?? {};
}
