import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeviceCredentials, Reading, StoreLayout } from '@shelfwatch/contracts';
import { storeLayout } from './store-layout.js';

/**
 * A small store with one device of each kind, and readings of its devices as the gateway
 * makes them: the fixture of the gateway tests and the drills, which run that store.
 */
/** The store of the gateway tests and the drills. */
export const TEST_STORE_ID = 'store-1';
/** The gateway's bearer token for the backend (and its own admin API) in those tests. */
export const TEST_GATEWAY_TOKEN = 'gateway-test-token-123';

/** The test store's layout; another `storeId` gives a store of a chain with the same floor. */
export function testLayout(storeId = TEST_STORE_ID): StoreLayout {
  return storeLayout({
    store: { id: storeId, name: storeId === TEST_STORE_ID ? 'Test store' : `Test store ${storeId}`, timezone: 'Europe/Berlin' },
    suppliers: [{ id: 'sup-1', name: 'Supplier' }],
    products: [
      { sku: 'SKU-BEANS', name: 'Beans 400 g', unitWeightG: 400, category: 'ambient', packSize: 12 },
      { sku: 'SKU-MILK', name: 'Milk 1 l', unitWeightG: 1030, category: 'chilled', packSize: 6 },
    ],
    shelves: [
      {
        id: 'shelf-1', aisle: '3', boardId: 'board-1',
        slots: [
          { id: 'slot-a', sku: 'SKU-BEANS', facings: 2, capacity: 20, reorderPoint: 5, calibration: { offsetCounts: 1000, countsPerGram: 100 } },
          { id: 'slot-b', sku: 'SKU-MILK', facings: 2, capacity: 12, reorderPoint: 3, calibration: { offsetCounts: -500, countsPerGram: 50 } },
        ],
      },
    ],
    cameras: [{ id: 'cam-1', slotIds: ['slot-a', 'slot-b'] }],
    cases: [
      {
        id: 'case-1', name: 'Dairy', aisle: '5', category: 'chilled', type: 'multideck', controllerId: 'ctrl-1', setpointC: 3,
        probes: [{ id: 'probe-1', placement: 'air' }, { id: 'probe-2', placement: 'product' }], skus: ['SKU-MILK'],
      },
    ],
  });
}

export function testCredentials(): DeviceCredentials {
  return {
    'probe-1': { password: 'probe-1-secret' },
    'probe-2': { password: 'probe-2-secret' },
    'cam-1': { password: 'cam-1-secret' },
    'ctrl-1': { password: 'ctrl-1-secret' },
  };
}

export interface TestGatewayParts {
  influxUrl: string;
  backendUrl: string;
  boards?: Record<string, { path: string }>;
  controllers?: Record<string, { endpointUrl: string }>;
  maxPending?: number;
  mqttPort?: number;
}

/**
 * A gateway config for the test store, with paths relative to its folder (see
 * writeTestGatewayFiles). test-support cannot depend on the gateway, so callers check it
 * against the gateway's own input type: `const config: GatewayConfigInput = testGatewayConfig(…)`.
 */
export function testGatewayConfig(parts: TestGatewayParts) {
  return {
    gatewayId: 'gw-1',
    layoutFile: 'layout.json',
    credentialsFile: 'credentials.json',
    mqtt: { mode: 'embedded' as const, host: '127.0.0.1', port: parts.mqttPort ?? 0 },
    serial: { boards: parts.boards ?? {} },
    opcua: { controllers: parts.controllers ?? {}, pkiDir: 'pki' },
    influx: { url: parts.influxUrl },
    backend: { url: parts.backendUrl, token: TEST_GATEWAY_TOKEN },
    outbox: { path: 'outbox.db', ...(parts.maxPending ? { maxPending: parts.maxPending } : {}) },
    http: { port: 0 },
  };
}

/** Writes the test store's layout and credentials, and `config` as gateway.json, into dir; returns the config path. */
export async function writeTestGatewayFiles(dir: string, config: object): Promise<string> {
  await writeFile(path.join(dir, 'layout.json'), JSON.stringify(testLayout()));
  await writeFile(path.join(dir, 'credentials.json'), JSON.stringify(testCredentials()));
  const file = path.join(dir, 'gateway.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

export function probeReading(seq: number, ts = 1_700_000_000_000 + seq): Reading {
  return { kind: 'probe.temperature', id: `probe-1:${seq}`, storeId: 'store-1', deviceId: 'probe-1', ts, caseId: 'case-1', placement: 'air', tempC: 3, fault: null, batteryPct: 90, rssiDbm: -60 };
}

export function weightReading(seq: number, ts: number, units: number, stable: boolean, fault: 'saturated' | null = null): Reading {
  return { kind: 'shelf.weight', id: `board-1:${seq}:ch0`, storeId: 'store-1', deviceId: 'board-1', ts, shelfId: 'shelf-1', slotId: 'slot-a', sku: 'SKU-BEANS', channel: 0, rawCounts: 1, grams: units * 400, units, stable, fault };
}
