import { downsampleBackfillStatements, influxSetupStatements, INFLUX_DATABASE } from '@shelfwatch/contracts';
import { InfluxWriter } from '@shelfwatch/service-kit';
import { influxQuery, startInfluxd, type InfluxdHandle, type InfluxQueryResult } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDashboards, panelQueries, VARIABLE_QUERIES, type PanelQuery } from '../src/index.js';
import { downsamples } from '@shelfwatch/contracts';
import { runStatements } from './support/influx-statements.js';
import { simulateStore, type Simulation } from './support/store-simulation.js';

let influxd: InfluxdHandle;
let sim: Simulation;

/** What Grafana substitutes before it sends a raw InfluxQL query. */
function substitute(q: PanelQuery | string, values: { case: string; aisle: string }): string {
  const query = typeof q === 'string' ? q : q.query;
  const interval = typeof q === 'string' ? '1m' : (q.interval ?? '1m');
  return query
    .replaceAll('$timeFilter', `time >= ${sim.start}ms and time <= ${sim.end}ms`)
    .replaceAll('$__interval', interval)
    .replaceAll('$store', sim.storeId)
    .replaceAll('$case', values.case)
    .replaceAll('$aisle', values.aisle);
}

function seriesOf(result: InfluxQueryResult) {
  const first = result.results[0];
  if (first?.error) throw new Error(first.error);
  return first?.series ?? [];
}

beforeAll(async () => {
  influxd = await startInfluxd();
  // Four hours ending a minute ago: inside the raw RP, and the CQs' own windows overlap the end.
  const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  sim = simulateStore({ start: end - 240 * 60_000, minutes: 240 });
  // Seeded through the services' own writer, in the sink's batch size.
  const writer = new InfluxWriter({ url: influxd.url, database: INFLUX_DATABASE, setupStatements: influxSetupStatements() });
  for (let i = 0; i < sim.points.length; i += 5000) await writer.write(sim.points.slice(i, i + 5000));
  // Continuous queries only cover their RESAMPLE FOR window: backfill the simulated hours.
  await runStatements(influxd.url, downsampleBackfillStatements(sim.start, sim.end));
});

afterAll(async () => {
  await influxd?.destroy();
});

describe('schema setup on a real influxd', () => {
  it('creates every continuous query, and running the setup again changes nothing and fails nothing', async () => {
    await runStatements(influxd.url, influxSetupStatements());
    const rows = seriesOf(await influxQuery(influxd.url, INFLUX_DATABASE, 'SHOW CONTINUOUS QUERIES')).find((s) => s.name === INFLUX_DATABASE);
    expect(rows?.values.map((v) => v[0]).sort()).toEqual(downsamples().map((d) => d.name).sort());
  });

  it('every downsampled series holds data after the backfill', async () => {
    for (const d of downsamples()) {
      const series = seriesOf(await influxQuery(influxd.url, INFLUX_DATABASE, `SELECT count(*) FROM "${d.rp}"."${d.into}"`));
      expect(series.length, `${d.rp}.${d.into}`).toBeGreaterThan(0);
    }
  });

  it('keeps the documented tags on the 5-minute temperature records and the right statistics', async () => {
    const result = await influxQuery(
      influxd.url,
      INFLUX_DATABASE,
      `SELECT "temp_c_min", "temp_c_mean", "temp_c_max", "samples" FROM "audit"."probe_temperature_5m" WHERE "case" = 'case-1' AND "placement" = 'product' GROUP BY *`,
    );
    const series = seriesOf(result);
    expect(series).toHaveLength(1);
    expect(series[0]?.tags).toEqual({ store: sim.storeId, case: 'case-1', probe: 'pr-2', placement: 'product' });
    const rows = series[0]!.values as [number, number, number, number, number][];
    expect(rows.length).toBeGreaterThanOrEqual(47);
    for (const [, min, mean, max, samples] of rows) {
      expect(min).toBeLessThanOrEqual(mean);
      expect(mean).toBeLessThanOrEqual(max);
      expect(samples).toBeLessThanOrEqual(5);
    }
    // The compressor failure shows in the audit record: the product went above 5 °C.
    expect(Math.max(...rows.map((r) => r[3]))).toBeGreaterThan(5);
  });
});

describe('template variables', () => {
  it.each(Object.entries(VARIABLE_QUERIES))('%s query returns values', async (_name, query) => {
    const series = seriesOf(await influxQuery(influxd.url, INFLUX_DATABASE, substitute(query, { case: 'case-1', aisle: '1' })));
    expect(series[0]?.values.length ?? 0).toBeGreaterThan(0);
  });
});

describe.each(allDashboards().map((d) => [d.dashboard.title ?? d.file, d.dashboard] as const))('%s', (_title, dashboard) => {
  const queries = panelQueries(dashboard);

  it('has queries', () => {
    expect(queries.length).toBeGreaterThan(3);
  });

  it.each(queries.map((q) => [`${q.panel} [${q.refId}]`, q] as const))('%s returns data', async (_label, q) => {
    // case-1 has the excursion, the defrost and the door opening; every aisle is one value of $aisle.
    const result = await influxQuery(influxd.url, INFLUX_DATABASE, substitute(q, { case: 'case-1', aisle: '1' }));
    const series = seriesOf(result);
    expect(series.length, q.query).toBeGreaterThan(0);
    const values = series.flatMap((s) => s.values);
    expect(values.some((row) => row.slice(1).some((v) => v !== null)), q.query).toBe(true);
  });
});

describe('what the panels show is right for the simulated store', () => {
  const query = async (q: string) => seriesOf(await influxQuery(influxd.url, INFLUX_DATABASE, substitute(q, { case: 'case-1', aisle: '.*' })));
  const find = (title: string, refId = 'A') => {
    const q = allDashboards()
      .flatMap((d) => panelQueries(d.dashboard))
      .find((p) => p.panel === title && p.refId === refId);
    if (!q) throw new Error(`no panel ${title}`);
    return q;
  };

  it('counts the dead probe as offline', async () => {
    const series = await query(find('Devices offline').query);
    expect(series[0]?.values[0]?.[1]).toBe(1);
  });

  it('shows case-1 in alarm at some point and the alarm later cleared', async () => {
    const series = await query(substitute(find('Cases in alarm'), { case: '.*', aisle: '.*' }));
    const counts = series[0]!.values.map((v) => v[1] as number);
    expect(Math.max(...counts)).toBe(1);
    expect(counts[counts.length - 1]).toBe(0);
  });

  it('shows the one poison reading the gateway set aside, and nothing else dead-lettered', async () => {
    const series = await query(find('Dead letters by sink and reason').query);
    const total = (sink: string, reason: string) =>
      series.filter((s) => s.tags?.sink === sink && s.tags?.reason === reason).flatMap((s) => s.values.map((v) => (v[1] as number | null) ?? 0)).reduce((a, b) => a + b, 0);
    expect(total('backend', 'poison')).toBe(1);
    expect(total('backend', 'refused') + total('influx', 'refused') + total('influx', 'poison')).toBe(0);
  });

  it('on-shelf availability is below 100 % while a slot is empty', async () => {
    const series = await query(find('On-shelf availability').query);
    const pcts = series[0]!.values.map((v) => v[1] as number);
    expect(Math.min(...pcts)).toBeLessThan(100);
    expect(Math.max(...pcts)).toBe(100);
  });
});
