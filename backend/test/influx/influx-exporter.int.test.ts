import type { Reading } from '@shelfwatch/contracts';
import { influxQuery, rowsOf, startInfluxd, waitUntil, type InfluxdHandle } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, TOKENS, type Harness } from '../support/harness.js';
import { storeMinute } from '../support/readings.js';

// Recent event time: the raw retention policy (14 d) refuses older points.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;
const MIN = 60_000;
const DB = 'sw_backend_test';

/** Whole minutes of the fixture store, every device reporting (the rules decide a minute once all have). */
const minutes = (from: number, to: number, o: { units: number }): Reading[] => {
  const out: Reading[] = [];
  for (let m = from; m <= to; m += 1) out.push(...storeMinute(T0 + m * MIN, o));
  return out;
};

describe('task events and KPIs to InfluxDB (real influxd, real rules)', () => {
  let influx: InfluxdHandle;
  let h: Harness;

  beforeAll(async () => {
    influx = await startInfluxd();
    h = await makeHarness({ config: { influx: { url: influx.url, database: DB } } });
    await h.start();
  });
  afterAll(async () => {
    await h?.stop();
    await h?.dir.remove();
    await influx?.destroy();
  });

  const rows = async (q: string) => rowsOf(await influxQuery(influx.url, DB, q));

  it('writes a task_event point per lifecycle event, through InfluxDB being down', async () => {
    await h.req('POST', '/api/v1/ingest', {
      token: TOKENS.device,
      body: { gatewayId: 'gw-1', readings: [...minutes(0, 0, { units: 10 }), ...minutes(1, 5, { units: 0 })] },
    });
    const raised = await waitUntil(async () => {
      const r = await rows(`SELECT * FROM task_event WHERE "event" = 'raised' AND "kind" = 'out_of_stock'`);
      return r.length > 0 ? r : undefined;
    }, { what: 'raised task_event point' });
    expect(raised[0]).toMatchObject({ store: 'store-1', severity: expect.any(String), count: 1, seconds_since_raised: 0 });

    await influx.stop();
    const { body } = await h.req('GET', '/api/v1/tasks?kind=out_of_stock&status=open', { token: TOKENS.staff });
    await h.req('POST', `/api/v1/tasks/${body.tasks[0].id as string}/ack`, { token: TOKENS.staff });
    await influx.start();
    const acked = await waitUntil(async () => {
      const r = await rows(`SELECT * FROM task_event WHERE "event" = 'acknowledged'`);
      return r.length > 0 ? r : undefined;
    }, { what: 'acknowledged task_event point after influxd came back', timeoutMs: 60_000 });
    expect(acked[0]).toMatchObject({ task_id: body.tasks[0].id, count: 1 });
    expect(await rows(`SELECT * FROM task_event WHERE "event" = 'raised' AND "kind" = 'out_of_stock'`)).toHaveLength(1);
  });

  it('writes KPI points once per minute of event time', async () => {
    await h.req('POST', '/api/v1/ingest', {
      token: TOKENS.device,
      body: { gatewayId: 'gw-1', readings: minutes(6, 7, { units: 12 }) },
    });
    const avail = await waitUntil(async () => {
      const r = await rows('SELECT * FROM kpi_availability');
      return r.length > 0 ? r : undefined;
    }, { what: 'kpi_availability points' });
    expect(avail[0]).toMatchObject({ store: 'store-1', aisle: '3' });
    const open = await rows('SELECT * FROM kpi_open_tasks');
    expect(open.length).toBeGreaterThan(0);
  });

  it('keeps task events when InfluxDB refuses everyone (database dropped): recreates it and writes them', async () => {
    const drop = await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q: `DROP DATABASE "${DB}"` }) });
    expect(drop.ok).toBe(true);
    // influxd still accepts (and loses) writes for a moment after the drop has answered.
    await waitUntil(async () => ((await fetch(`${influx.url}/write?db=${DB}`, { method: 'POST', body: 'drop_probe v=1' })).status === 404 ? true : undefined), { what: 'influxd refusing writes to the dropped database' });
    // The shelf empties again: a new out-of-stock task is raised while the database is gone.
    await h.req('POST', '/api/v1/ingest', { token: TOKENS.device, body: { gatewayId: 'gw-1', readings: minutes(8, 12, { units: 0 }) } });
    // A 404 "database not found" is the server's state, not the point's: the exporter retries
    // (creating the database again) instead of moving its cursor past the event. Retries back
    // off up to 30 s apart (a down InfluxDB is not hammered on every new event), so the wait
    // allows for a few failed attempts while a loaded influxd settles after the drop.
    const raised = await waitUntil(async () => {
      const r = await rows(`SELECT * FROM task_event WHERE "event" = 'raised' AND "kind" = 'out_of_stock'`).catch(() => []);
      return r.length > 0 ? r : undefined;
    }, { what: 'raised task_event point after the database was dropped', timeoutMs: 90_000 });
    const { body } = await h.req('GET', '/api/v1/tasks?kind=out_of_stock&status=open', { token: TOKENS.staff });
    expect(raised).toEqual([expect.objectContaining({ task_id: body.tasks[0].id, count: 1 })]);
  });
});
