import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { downsampleBackfillStatements, influxSetupStatements, INFLUX_DATABASE, readingId, readingToPoint, type Reading } from '@shelfwatch/contracts';
import { startInfluxd, waitUntil, type InfluxdHandle } from '@shelfwatch/test-support';
import express from 'express';
import { InfluxDB } from 'influx';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRole, TokenIndex } from '../../src/http/auth.js';
import { errorMiddleware } from '../../src/http/http-errors.js';
import { haccpRouter, HACCP_CSV_COLUMNS, type HaccpReport, type HaccpTask } from '../../src/reports/index.js';
import { makeHarness, TOKENS } from '../support/harness.js';

const MIN = 60_000;
let influxd: InfluxdHandle;
let server: Server;
let base: string;
let start: number;
let end: number;
const taskCalls: [string, string, number, number][] = [];

/** Product probe of a chilled case: 3 °C, warming to ~8 °C from minute 60 (compressor failure), back under 5 °C after ~minute 115. */
function productTemp(m: number): number {
  if (m < 60) return 3 + 0.1 * Math.sin(m);
  if (m < 90) return 3 + (m - 60) * (5 / 30);
  if (m < 120) return 8 - (m - 90) * (5 / 30);
  return 3;
}

function readings(): Reading[] {
  const out: Reading[] = [];
  for (let m = 0; m < 180; m++) {
    const ts = start + m * MIN + 3_000;
    const common = { storeId: 'store-1', caseId: 'case-1', fault: null, batteryPct: 90, rssiDbm: -70, kind: 'probe.temperature' as const };
    out.push({ ...common, id: readingId.probe('pr-2', m + 1), deviceId: 'pr-2', ts, placement: 'product', tempC: Math.round(productTemp(m) * 100) / 100 });
    out.push({ ...common, id: readingId.probe('pr-1', m + 1), deviceId: 'pr-1', ts, placement: 'air', tempC: 2 });
    out.push({ kind: 'case.air_temperature', id: readingId.controller('ctl-1', 'air', ts), storeId: 'store-1', deviceId: 'ctl-1', ts, caseId: 'case-1', tempC: 2.2 });
    // Another case in the same store must not leak into case-1's report.
    out.push({ ...common, caseId: 'case-2', id: readingId.probe('pr-9', m + 1), deviceId: 'pr-9', ts, placement: 'product', tempC: -20 });
  }
  return out;
}

const tasks: HaccpTask[] = [];

const TOKEN = { ops: 'ops-1f0e9b7a52c84d3e6a91b2c7d8e4f503', opsStore2: 'ops-store-2-7c2d91e4b8a3f6051e9d7c4b2a8f6e13', staff: 'staff-4e8a1c9f3b7d2e6a05c8f1b9d3e7a264' };
const tokens = new TokenIndex([
  { token: TOKEN.ops, role: 'operations', subject: 'olga' },
  { token: TOKEN.opsStore2, role: 'operations', subject: 'oskar', storeIds: ['store-2'] },
  { token: TOKEN.staff, role: 'staff', subject: 'alice' },
]);

beforeAll(async () => {
  influxd = await startInfluxd();
  // Aligned to the report's 15-minute rows, so 180 minutes are exactly 12 rows per sensor.
  end = Math.floor(Date.now() / (15 * MIN)) * 15 * MIN - 15 * MIN;
  start = end - 180 * MIN;
  tasks.push({ id: 't-9', kind: 'temperature_excursion', raisedAt: start + 95 * MIN, closedAt: start + 125 * MIN, closedBy: 'omar', note: 'Moved dairy to case 3; compressor relay reset by technician' });
  const influx = new InfluxDB({ host: influxd.host, port: influxd.port, database: INFLUX_DATABASE });
  for (const q of influxSetupStatements()) await influx.queryRaw(q, { method: 'POST' } as never);
  // As the gateway writes: node-influx, the schema from contracts, nanosecond timestamps.
  await influx.writePoints(
    readings().map((r) => {
      const p = readingToPoint(r);
      return { measurement: p.measurement, tags: p.tags, fields: p.fields, timestamp: p.timestampNs };
    }),
    { precision: 'n' },
  );
  for (const q of downsampleBackfillStatements(start, end)) await influx.queryRaw(q, { method: 'POST' } as never);

  const app = express();
  app.use(
    haccpRouter({
      influx,
      database: INFLUX_DATABASE,
      requireOperations: requireRole(tokens, ['operations']),
      findCase: async (caseId) => (caseId === 'case-1' ? [{ storeId: 'store-1', limitC: 5 }] : caseId === 'case-2' ? [{ storeId: 'store-1', limitC: -18 }] : []),
      tasksForCase: async (caseId, storeId, from, to) => {
        taskCalls.push([caseId, storeId, from, to]);
        return caseId === 'case-1' ? tasks : [];
      },
    }),
  );
  app.use(errorMiddleware(pino({ level: 'silent' })));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await influxd?.destroy();
});

const get = (query: string, token: string | null = TOKEN.ops) => fetch(`${base}/api/v1/reports/haccp?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const period = () => `case=case-1&from=${new Date(start).toISOString()}&to=${new Date(end).toISOString()}`;

describe('GET /api/v1/reports/haccp on a real influxd', () => {
  it('reports the excursion from the 5-minute audit records, with the corrective action from the task', async () => {
    const res = await get(`${period()}&format=json`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as HaccpReport;
    expect(taskCalls.at(-1)).toEqual(['case-1', 'store-1', start, end]);
    expect(report.sensors.map((s) => `${s.source}:${s.sensor}:${s.placement}`).sort()).toEqual(['controller:ctl-1:air', 'probe:pr-1:air', 'probe:pr-2:product']);
    expect(report.primarySensor).toBe('pr-2');
    const product = report.excursions.filter((e) => e.sensor === 'pr-2');
    expect(product).toHaveLength(1);
    const e = product[0]!;
    // Above 5 °C from minute 72 to 108 (36 min); the 5-minute buckets bound it.
    expect(e.start).toBe(start + 70 * MIN);
    expect(e.end).toBe(start + 110 * MIN);
    expect(e.peakC).toBeCloseTo(8, 2);
    expect(e.minutesAboveLimit).toBeGreaterThan(30);
    expect(e.minutesAboveLimit).toBeLessThan(40);
    expect(e.correctiveActions.map((a) => a.note)).toEqual(['Moved dairy to case 3; compressor relay reset by technician']);
    // 180 min at 15-minute intervals, three sensors.
    expect(report.rows).toHaveLength(3 * 12);
    expect(report.sensors.find((s) => s.sensor === 'pr-1')?.mktC).toBeCloseTo(2, 5);
    expect(report.mktC).toBeGreaterThan(report.sensors.find((s) => s.sensor === 'pr-2')!.meanC!);
  });

  it('answers CSV with a header and one line per reading interval', async () => {
    const res = await get(`${period()}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="haccp-case-1-/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(HACCP_CSV_COLUMNS.join(','));
    expect(lines.filter((l) => l.startsWith('reading,'))).toHaveLength(36);
    expect(lines.filter((l) => l.startsWith('excursion,case-1,pr-2,'))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith('corrective_action,') && l.includes('compressor relay reset'))).toBe(true);
  });

  it('keeps other cases out and uses each case’s own limit', async () => {
    const res = await get(`case=case-2&from=${start}&to=${end}`);
    const report = (await res.json()) as HaccpReport;
    expect(report.limitC).toBe(-18);
    expect(report.sensors.map((s) => s.sensor)).toEqual(['pr-9']);
    expect(report.excursions).toEqual([]);
  });

  it('rejects bad queries with 400, unknown cases with 404, and other roles with 401/403', async () => {
    expect((await get(`case=case-1&from=${end}&to=${start}`)).status).toBe(400);
    expect((await get(`case=Case 1!&from=${start}&to=${end}`)).status).toBe(400);
    expect((await get(`${period()}&format=pdf`)).status).toBe(400);
    expect((await get(`${period()}&extra=1`)).status).toBe(400);
    const notFound = await get(`case=case-7&from=${start}&to=${end}`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ error: 'not_found' });
    expect((await get(period(), null)).status).toBe(401);
    expect((await get(period(), TOKEN.staff)).status).toBe(403);
  });

  it("refuses an operations token restricted to other stores, whether or not the query names the case's store", async () => {
    const implicit = await get(period(), TOKEN.opsStore2);
    expect(implicit.status).toBe(403);
    expect(await implicit.json()).toMatchObject({ error: 'forbidden' });
    expect((await get(`${period()}&store=store-1`, TOKEN.opsStore2)).status).toBe(403);
    // Its own store has no case-1.
    expect((await get(`${period()}&store=store-2`, TOKEN.opsStore2)).status).toBe(404);
  });

  it('answers 503, not a crash, while InfluxDB is down', async () => {
    await influxd.stop();
    try {
      const res = await get(period());
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: 'unavailable' });
    } finally {
      await influxd.start();
    }
    // node-influx rests a failed host for a short backoff before it tries it again.
    await waitUntil(async () => (await get(period())).status === 200, { timeoutMs: 30_000, intervalMs: 100, what: 'report after InfluxDB restart' });
  });
});

describe('GET /api/v1/reports/haccp in the backend', () => {
  it("checks the token's stores, and knows the cases of a store that only the database holds", async () => {
    const h = await makeHarness({
      config: {
        influx: { url: influxd.url },
        tokens: [
          { token: TOKENS.ops, role: 'operations', subject: 'olga' },
          { token: TOKEN.opsStore2, role: 'operations', subject: 'oskar', storeIds: ['store-2'] },
        ],
      },
    });
    try {
      await h.start();
      const query = `/api/v1/reports/haccp?case=case-4&from=${start}&to=${end}`;
      expect((await h.req('GET', query, { token: TOKENS.ops })).status).toBe(200);
      expect((await h.req('GET', query, { token: TOKEN.opsStore2 })).status).toBe(403);
      // The layout file is gone from the configuration; the database still holds the store.
      await h.stop();
      h.config.layoutFiles = [];
      await h.start();
      const res = await h.req('GET', query, { token: TOKENS.ops });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ caseId: 'case-4', limitC: 5 });
    } finally {
      await h.stop();
      await h.dir.remove();
    }
  });
});
