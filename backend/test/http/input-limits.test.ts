import { CameraScanMessage, DeliveryConfirmation, DeviceCredentials, DeviceStatusMessage, DoneBody, IngestBatch, ProbeMessage, StoreLayout, type Reading } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { BackendConfig } from '../../src/config.js';
import { ListQuery } from '../../src/http/routes/delivery-routes.js';
import { StreamQuery } from '../../src/http/routes/feed-routes.js';
import { BackroomUpdate } from '../../src/http/routes/store-routes.js';
import { TaskQuery } from '../../src/http/routes/task-routes.js';
import { PlanogramImport } from '../../src/planogram/planogram-input.js';
import { HaccpQuery } from '../../src/reports/haccp-router.js';
import { fixtureLayout } from '../support/fixture-layout.js';
import { cameraGap, probe, weight } from '../support/readings.js';

const T = Date.now();
const base = { storeId: 'store-1', deviceId: 'ctl-4', ts: T };
const everyReading: Reading[] = [
  weight(T, 3),
  cameraGap(T),
  probe(T, 4),
  { ...base, id: 'ctl-4:air:1', kind: 'case.air_temperature', caseId: 'case-4', tempC: 3 },
  { ...base, id: 'ctl-4:sp:1', kind: 'case.setpoint', caseId: 'case-4', tempC: 3 },
  { ...base, id: 'ctl-4:df:1', kind: 'case.defrost', caseId: 'case-4', active: false },
  { ...base, id: 'ctl-4:door:1', kind: 'case.door', caseId: 'case-4', open: false },
  { ...base, id: 'ctl-4:cmp:1', kind: 'case.compressor', caseId: 'case-4', running: true },
  { ...base, id: 'ctl-4:status:1', kind: 'device.status', deviceKind: 'controller', online: true, detail: 'session established' },
];

/** Complete samples of everything that comes in from outside: every optional text field set. */
const SAMPLES: [string, z.ZodType, unknown][] = [
  ['ingest batch', IngestBatch, { gatewayId: 'gw-1', readings: everyReading }],
  ['delivery confirmation', DeliveryConfirmation, { storeId: 'store-1', requestId: 'rr_1', deliveryId: 'dlv-1', expectedAt: T, lines: [{ sku: 'MILK-1L', quantity: 6 }] }],
  ['done', DoneBody, { note: 'discarded 6 packs' }],
  ['backroom', BackroomUpdate, { lines: [{ sku: 'MILK-1L', units: 3 }] }],
  ['planogram', PlanogramImport, { shelves: [{ id: 'shelf-7', aisle: '7', boardId: 'board-7', slots: [{ id: 's-1', channel: 0, sku: 'MILK-1L', facings: 1, capacity: 5, reorderPoint: 1 }] }] }],
  ['task query', TaskQuery, { status: 'open,done', kind: 'out_of_stock', store: 'store-1', limit: '50' }],
  ['delivery list query', ListQuery, { limit: '50', supplier: 'dairyco' }],
  ['feed query', StreamQuery, { lastEventId: '5', access_token: 'abc', store: 'store-1' }],
  ['haccp query', HaccpQuery, { case: 'case-4', store: 'store-1', from: '1700000000000', to: '1700003600000', format: 'csv', interval: '15', limitC: '5' }],
  ['probe payload', ProbeMessage, { seq: 1, ts: T, tempC: null, fault: 'open_circuit', batteryPct: 90, rssiDbm: -60 }],
  ['scan payload', CameraScanMessage, { seq: 1, ts: T, slots: [{ slotId: 's-1', sku: 'MILK-1L', facings: 2, gap: false, confidence: 0.9 }] }],
  ['status payload', DeviceStatusMessage, { online: true, ts: T, reason: 'boot', firmware: 'sim-1.0.0' }],
  ['store layout', StoreLayout, fixtureLayout()],
  ['device credentials', DeviceCredentials, { 'probe-1': { password: 'probe-1-secret' } }],
  [
    'backend config',
    BackendConfig,
    {
      demo: true,
      http: { host: '127.0.0.1', port: 8080 },
      dbPath: '/var/lib/shelfwatch/backend.sqlite',
      layoutFiles: ['/etc/shelfwatch/store.json'],
      tokens: [{ token: 'Qm9sZCBlbm91Z2ggdG9rZW4gZm9yIGEgc3RvcmU', role: 'staff', subject: 'alice', storeIds: ['store-1'] }],
      suppliers: { dairyco: { webhookUrl: 'https://dairyco.example/hooks', webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } },
      webhooks: { allowPrivateNetworks: ['10.0.0.0/8'] },
      influx: { url: 'http://127.0.0.1:8086', database: 'shelfwatch' },
      webDir: '/opt/shelfwatch/web',
    },
  ],
];

/** Paths to every string value in a JSON-like value (keys of records included as their own path). */
function stringPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...at, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
  return [];
}

function withString(value: unknown, at: (string | number)[], text: string): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[at.at(-1)!] = text;
  return copy;
}

describe('every free-text field that comes in has a maximum length', () => {
  it.each(SAMPLES)('%s', (_name, schema, sample) => {
    expect(schema.safeParse(sample).success).toBe(true);
    const paths = stringPaths(sample);
    expect(paths.length).toBeGreaterThan(0);
    const unbounded = paths.filter((p) => schema.safeParse(withString(sample, p, 'x'.repeat(100_000))).success).map((p) => p.join('.'));
    expect(unbounded).toEqual([]);
  });
});
