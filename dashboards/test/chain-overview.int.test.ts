import { downsampleBackfillStatements, influxSetupStatements, INFLUX_DATABASE } from '@shelfwatch/contracts';
import { InfluxWriter } from '@shelfwatch/service-kit';
import { influxQuery, startInfluxd, type InfluxdHandle } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_RP, chainOverviewDashboard, chainRollups, chainRollupStatements } from '../src/index.js';
import { runStatements } from './support/influx-statements.js';
import { simulateChain, type ChainSimulation, type ChainStoreSpec, type StoreState } from './support/chain-simulation.js';

/**
 * The chain overview on a real influxd holding four stores, each in a known state: the
 * tables rank the stores the way Grafana shows them (the panel's own organize
 * transformation and sort), and every figure is the store's latest state, not its history.
 */
const healthy: StoreState = {
  aisles: [{ slots: 40, oos: 0 }],
  cases: [{ inAlarm: false, minutesAbove: 0, serviceNeeded: false }],
  openTasks: {},
  offlineDevices: 0,
  outboxAgeS: 0,
};

const STORES: ChainStoreSpec[] = [
  {
    storeId: 'store-a',
    earlier: healthy,
    now: {
      ...healthy,
      aisles: [{ slots: 40, oos: 2 }, { slots: 40, oos: 2 }],
      cases: [{ inAlarm: true, minutesAbove: 12, serviceNeeded: false }, ...healthy.cases, ...healthy.cases],
      openTasks: { temperature_excursion: 1, out_of_stock: 4 },
    },
    deadLettered: 0,
    rejected: 3,
  },
  {
    storeId: 'store-b',
    earlier: { ...healthy, aisles: [{ slots: 50, oos: 0 }, { slots: 50, oos: 0 }] },
    now: {
      ...healthy,
      aisles: [{ slots: 50, oos: 10 }, { slots: 50, oos: 10 }],
      cases: [{ inAlarm: true, minutesAbove: 30, serviceNeeded: true }, { inAlarm: true, minutesAbove: 45, serviceNeeded: false }],
      openTasks: { temperature_excursion: 2, spoilage: 1, out_of_stock: 20 },
      offlineDevices: 1,
    },
    deadLettered: 0,
    rejected: 0,
  },
  {
    storeId: 'store-c',
    earlier: { ...healthy, aisles: [{ slots: 60, oos: 0 }] },
    now: { ...healthy, aisles: [{ slots: 60, oos: 0 }], openTasks: { sensor_fault: 3 }, offlineDevices: 3, outboxAgeS: 120 },
    deadLettered: 8,
    rejected: 0,
    gatewayRestarts: true,
  },
  {
    // Bad earlier, recovered now: must rank by now, not by the worst of the range.
    storeId: 'store-d',
    earlier: {
      aisles: [{ slots: 30, oos: 15 }],
      cases: [{ inAlarm: true, minutesAbove: 20, serviceNeeded: true }],
      openTasks: { temperature_excursion: 3, sensor_fault: 2 },
      offlineDevices: 2,
      outboxAgeS: 900,
    },
    now: { ...healthy, aisles: [{ slots: 30, oos: 3 }], cases: [{ inAlarm: false, minutesAbove: 20, serviceNeeded: false }] },
    deadLettered: 2,
    rejected: 0,
  },
];

let influxd: InfluxdHandle;
let sim: ChainSimulation;

interface TablePanelJson {
  title: string;
  targets: { query: string }[];
  transformations: { id: string; options: { excludeByName?: Record<string, boolean>; renameByName?: Record<string, string> } }[];
  options: { sortBy: { displayName: string; desc: boolean }[] };
}

const panels = () => (chainOverviewDashboard().panels ?? []) as unknown as TablePanelJson[];
const panel = (title: string) => {
  const p = panels().find((x) => x.title === title);
  if (!p) throw new Error(`no panel ${title}`);
  return p;
};

/** What Grafana substitutes (every store selected, the simulated half hour). */
const substitute = (query: string, store = '.*') =>
  query.replaceAll('$timeFilter', `time >= ${sim.start}ms and time <= ${sim.end + 60_000}ms`).replaceAll('$store', store);

async function rows(query: string, store?: string): Promise<Record<string, unknown>[]> {
  const result = (await influxQuery(influxd.url, INFLUX_DATABASE, substitute(query, store))).results[0];
  if (result?.error) throw new Error(`${result.error}: ${query}`);
  return (result?.series ?? []).flatMap((s) => s.values.map((v) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) })));
}

/**
 * A table panel as Grafana shows it: its queries' rows merged where time and store agree
 * (the merge transformation), its organize transformation applied, sorted as configured.
 */
async function table(title: string, store?: string): Promise<Record<string, unknown>[]> {
  const p = panel(title);
  expect(p.transformations.map((t) => t.id)).toEqual(['merge', 'organize']);
  const merged = new Map<string, Record<string, unknown>>();
  for (const target of p.targets) {
    for (const row of await rows(target.query, store)) {
      const key = JSON.stringify([row.time, row.store]);
      merged.set(key, { ...merged.get(key), ...row });
    }
  }
  const organize = p.transformations[1]!.options;
  // Grafana calls InfluxDB's time column Time.
  const shown = [...merged.values()].map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .map(([k, v]) => [k === 'time' ? 'Time' : k, v] as const)
        .filter(([k]) => !organize.excludeByName?.[k])
        .map(([k, v]) => [organize.renameByName?.[k] ?? k, v]),
    ),
  );
  const [sort] = p.options.sortBy;
  const key = sort!.displayName;
  return shown.sort((x, y) => ((x[key] as number) - (y[key] as number)) * (sort!.desc ? -1 : 1));
}

const stat = async (title: string, store?: string) => {
  const found = await rows(panel(title).targets[0]!.query, store);
  expect(found, title).toHaveLength(1);
  return Object.entries(found[0]!).find(([k]) => k !== 'time')?.[1];
};

beforeAll(async () => {
  influxd = await startInfluxd();
  sim = simulateChain(STORES, Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
  await new InfluxWriter({ url: influxd.url, database: INFLUX_DATABASE, setupStatements: influxSetupStatements() }).write(sim.points);
});

afterAll(async () => {
  await influxd?.destroy();
});

describe('chain overview on four stores', () => {
  it('ranks stores by on-shelf availability, lowest first, slot-weighted over their aisles', async () => {
    const shown = await table('On-shelf availability by store');
    expect(shown.map((r) => r.store)).toEqual(['store-b', 'store-d', 'store-a', 'store-c']);
    expect(shown.map((r) => r['on-shelf %'])).toEqual([80, 90, 95, 100]);
    expect(shown.map((r) => r['out-of-stock slots'])).toEqual([20, 3, 4, 0]);
    expect(shown.map((r) => r.slots)).toEqual([100, 30, 80, 60]);
  });

  it('ranks stores by cases in alarm now, most first, with their open cold-chain tasks and service needs', async () => {
    const shown = await table('Cold-chain alarms by store');
    expect(shown.slice(0, 2).map((r) => r.store)).toEqual(['store-b', 'store-a']);
    const byStore = Object.fromEntries(shown.map((r) => [r.store, r]));
    expect(byStore['store-b']).toMatchObject({ 'cases in alarm': 2, 'open cold-chain tasks': 3, 'cases needing service': 1, 'longest time above limit': 45 });
    expect(byStore['store-a']).toMatchObject({ 'cases in alarm': 1, 'open cold-chain tasks': 1, 'cases needing service': 0, 'longest time above limit': 12 });
    // store-d had an alarm, a task and a service need earlier: all cleared now.
    expect(byStore['store-d']).toMatchObject({ 'cases in alarm': 0, 'open cold-chain tasks': 0, 'cases needing service': 0 });
    expect(byStore['store-c']).toMatchObject({ 'cases in alarm': 0, 'open cold-chain tasks': 0 });
  });

  it('ranks stores by devices offline now, most first, with sensor-fault tasks, dead letters, rejects and gateway lag', async () => {
    const shown = await table('Device health by store');
    expect(shown.slice(0, 2).map((r) => r.store)).toEqual(['store-c', 'store-b']);
    const byStore = Object.fromEntries(shown.map((r) => [r.store, r]));
    const totals = (store: string) => sim.gatewayTotals.get(store)!;
    expect(byStore['store-c']).toMatchObject({
      'devices offline': 3,
      'open sensor-fault tasks': 3,
      'dead letters': totals('store-c').deadLettered,
      'gateway behind': 120,
    });
    // The restart's minute dead-lettered nothing: the counter's reset is not counted as dead letters.
    expect(totals('store-c').deadLettered).toBeLessThan(8);
    expect(byStore['store-b']).toMatchObject({ 'devices offline': 1, 'open sensor-fault tasks': 0, 'dead letters': 0 });
    expect(byStore['store-a']).toMatchObject({ 'devices offline': 0, 'rejected inputs': 3 });
    expect(byStore['store-d']).toMatchObject({ 'devices offline': 0, 'open sensor-fault tasks': 0, 'dead letters': 2, 'gateway behind': 0 });
  });

  it('sums the same figures over the chain', async () => {
    expect(await stat('Stores reporting')).toBe(4);
    // (20 + 3 + 4 + 0) out-of-stock of (100 + 30 + 80 + 60) slots.
    expect(await stat('On-shelf availability')).toBeCloseTo(90, 6);
    expect(await stat('Cases in alarm')).toBe(3);
    expect(await stat('Open cold-chain tasks')).toBe(4);
    expect(await stat('Devices offline')).toBe(4);
    expect(await stat('Dead letters')).toBe([...sim.gatewayTotals.values()].reduce((sum, t) => sum + t.deadLettered, 0));
  });

  it('narrows every figure to the stores selected', async () => {
    expect((await table('On-shelf availability by store', 'store-a|store-c')).map((r) => r.store)).toEqual(['store-a', 'store-c']);
    expect(await stat('Stores reporting', 'store-a|store-c')).toBe(2);
    expect(await stat('Cases in alarm', 'store-a|store-c')).toBe(1);
    // A healthy selection shows 0, not an empty panel.
    expect(await stat('Devices offline', 'store-a|store-d')).toBe(0);
  });
});


describe('chain rollups on the same stores', () => {
  beforeAll(async () => {
    await runStatements(influxd.url, chainRollupStatements());
    // Continuous queries run on the hour; the same SELECT ... INTO over the simulated half hour stands in for them.
    await runStatements(influxd.url, downsampleBackfillStatements(sim.start, sim.end + 60_000, INFLUX_DATABASE, chainRollups()));
  });

  it('creates the retention policy and every continuous query, and applying them again fails nothing', async () => {
    await runStatements(influxd.url, chainRollupStatements());
    const cqs = (await influxQuery(influxd.url, INFLUX_DATABASE, 'SHOW CONTINUOUS QUERIES')).results[0]?.series?.find((s) => s.name === INFLUX_DATABASE);
    expect(cqs?.values.map((v) => v[0])).toEqual(expect.arrayContaining(chainRollups().map((r) => r.name)));
  });

  const hourTotals = async (field: string, measurement: string): Promise<Record<string, unknown>> =>
    Object.fromEntries(
      // Hour buckets start on the hour, before the simulated half hour may.
      (await rows(`SELECT sum("${field}") AS "total" FROM "${CHAIN_RP.name}"."${measurement}" WHERE time >= ${sim.start - 3_600_000}ms GROUP BY "store"`)).map((r) => [
        String(r.store),
        r.total,
      ] as const),
    );

  it('store availability: slot-minutes and out-of-stock slot-minutes per store, so the hour is weighted by slots and minutes', async () => {
    // 15 minutes in the earlier state, 16 (minutes 15..30) in the current one.
    expect(await hourTotals('slot_minutes', 'store_availability_1h')).toEqual({ 'store-a': 15 * 40 + 16 * 80, 'store-b': 31 * 100, 'store-c': 31 * 60, 'store-d': 31 * 30 });
    expect(await hourTotals('oos_slot_minutes', 'store_availability_1h')).toEqual({ 'store-a': 16 * 4, 'store-b': 16 * 20, 'store-c': 0, 'store-d': 15 * 15 + 16 * 3 });
  });

  it('cold chain: case-minutes in alarm per store, none for a store that had no alarm', async () => {
    expect(await hourTotals('alarm_case_minutes', 'store_cold_chain_1h')).toEqual({ 'store-a': 16, 'store-b': 32, 'store-d': 15 });
  });
});
