import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, DynamicConfigValue } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BigValueColorMode,
  BigValueGraphMode,
  ReduceDataOptionsBuilder,
  TableCellDisplayMode,
  TableSortByFieldStateBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { MEASUREMENTS } from '@shelfwatch/contracts';
import { STORE, where } from '../filters.js';
import { influx } from '../influx-query.js';
import { COLOR, steps } from '../style.js';
import { storeVariable } from '../variables.js';

const M = MEASUREMENTS;

/** Task kinds about refrigerated product: what "open cold-chain alarms" counts. */
export const COLD_CHAIN_TASK_KINDS = ['temperature_excursion', 'spoilage', 'refrigeration_maintenance'] as const;
const COLD_KIND = `"kind" =~ /^(${COLD_CHAIN_TASK_KINDS.join('|')})$/`;

/**
 * "Now" in a table is each entity's latest value in the selected range (every KPI is
 * rewritten every minute, and device statuses are change events, so the latest one holds).
 */
function latestPerStore(measurement: string, field: string, key: string, ...conditions: string[]): string {
  return `SELECT last("${field}") AS "v" FROM "${measurement}" ${where(STORE, ...conditions)} GROUP BY "store", "${key}"`;
}

/**
 * Sources that count, per store, the entities whose latest value matches `condition`,
 * as column `column`. Booleans cannot be summed in InfluxQL and a count over no rows
 * returns no row, so a second source gives every store that has such entities a 0:
 * the outer sum() is then the count, and a healthy store shows 0 instead of vanishing.
 */
function countWhere(column: string, latest: string, condition: string): string[] {
  return [
    `(SELECT count("v") AS "${column}" FROM (${latest}) WHERE ${condition} GROUP BY "store")`,
    `(SELECT 0 * count("v") AS "${column}" FROM (${latest}) GROUP BY "store")`,
  ];
}

/**
 * How much the gateway counters rose in the range, per store: the sum of their non-negative
 * steps. A gateway restart resets them to 0: the step down is skipped, not subtracted (what
 * the restarted gateway counted before its first report is missed; it reports every 10 s).
 */
const COUNTER_INCREASES = `(SELECT ${['dead_lettered', 'rejected'].map((f) => `non_negative_difference("${f}") AS "${f}"`).join(', ')} FROM "${M.gatewayStats}" ${where(STORE)} GROUP BY "store", "gateway", "input", "sink", "reason")`;

/**
 * One row per store: `aggregate` of `column` over `sources`, grouped by store. One figure
 * per query: InfluxDB 1.6 drops columns when one query unions subqueries that each bring a
 * different column (checked on 1.6.7), so a table runs a query per figure and Grafana merges
 * the rows that agree on time and store. An aggregate's row has time 0 (no time range
 * outside); max() is a selector and keeps its point's time, so it is wrapped in a sum over
 * the store's single row.
 */
function perStore(column: string, aggregate: 'sum' | 'max', sources: string[]): string {
  const select = (fn: string, from: string) => `SELECT ${fn}("${column}") AS "${column}" FROM ${from} GROUP BY "store"`;
  const query = select(aggregate, sources.join(', '));
  return aggregate === 'sum' ? query : select('sum', `(${query})`);
}

interface Column {
  /** The query's column. */
  field: string;
  /** What the table's header says (and what it is sorted by). */
  header: string;
  unit: string;
  /** Cell colours, ascending steps; the column whose figure ranks the stores is coloured. */
  thresholds?: ReturnType<typeof steps>;
}

interface StoreTable {
  title: string;
  description: string;
  /** One per figure (see perStore); Grafana merges their rows by store. */
  queries: string[];
  columns: Column[];
  sortBy: { header: string; desc: boolean };
  /** The store dashboard a click on a store opens, with that store selected. */
  drillDown: string;
}

/**
 * A table with one row per store, sorted on `sortBy` so the worst store is the first row.
 * The time column is dropped: every row is "now" (or the whole range, for counters).
 */
function storeTable({ title, description, queries, columns, sortBy, drillDown }: StoreTable) {
  const table = new TablePanel().title(title).description(description);
  queries.forEach((query, i) => table.withTarget(influx(query, String.fromCharCode(65 + i)).table()));
  // Every query's rows carry the same time (no GROUP BY time), so merge joins them on the store.
  table
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        indexByName: Object.fromEntries(['store', ...columns.map((c) => c.field)].map((field, i) => [field, i])),
        renameByName: Object.fromEntries(columns.map((c) => [c.field, c.header])),
      },
    })
    .sortBy([new TableSortByFieldStateBuilder().displayName(sortBy.header).desc(sortBy.desc)])
    .height(10)
    .span(24)
    .overrideByName('store', [{ id: 'links', value: [{ title: 'Open this store', url: `/d/${drillDown}?var-store=\${__value.raw}&\${__url_time_range}` }] }]);
  for (const c of columns) {
    const properties: DynamicConfigValue[] = [{ id: 'unit', value: c.unit }];
    if (c.thresholds) {
      properties.push({ id: 'thresholds', value: c.thresholds.build() }, { id: 'custom.cellOptions', value: { type: TableCellDisplayMode.ColorBackground } });
    }
    table.overrideByName(c.header, properties);
  }
  return table;
}

/** A chain-wide figure: one number over the selected stores, from the same sources as the tables. */
function chainStat(title: string, description: string, query: string) {
  return new StatPanel()
    .title(title)
    .description(description)
    .decimals(0)
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Background)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .noValue('0')
    .withTarget(influx(query))
    .height(5)
    .span(4);
}

const alarmSteps = () => steps(COLOR.ok, [1, COLOR.bad]);
const availabilitySteps = () => steps(COLOR.bad, [90, COLOR.warn], [97, COLOR.ok]);

/** Each store's latest out-of-stock and slot count per aisle. */
const AISLES = `(SELECT last("oos_slots") AS "oos", last("slots") AS "slots" FROM "${M.kpiAvailability}" ${where(STORE)} GROUP BY "store", "aisle")`;
const ON_SHELF_PCT = `100 * (1 - sum("oos") / sum("slots"))`;
const CASES_IN_ALARM = countWhere('cases_in_alarm', latestPerStore(M.kpiCase, 'in_alarm', 'case'), `"v" = true`);
const OPEN_COLD_TASKS = `(SELECT last("open") AS "open_cold_tasks" FROM "${M.kpiOpenTasks}" ${where(STORE, COLD_KIND)} GROUP BY "store", "kind")`;
const DEVICES_OFFLINE = countWhere('offline', latestPerStore(M.deviceStatus, 'online', 'device'), `"v" = false`);

export function chainOverviewDashboard(): Dashboard {
  const availability = [
    `SELECT ${ON_SHELF_PCT} AS "on_shelf_pct", sum("oos") AS "oos_slots", sum("slots") AS "slots" FROM ${AISLES} GROUP BY "store"`,
  ];
  const coldChain = [
    perStore('cases_in_alarm', 'sum', CASES_IN_ALARM),
    perStore('open_cold_tasks', 'sum', [OPEN_COLD_TASKS]),
    perStore('service_needed', 'sum', countWhere('service_needed', latestPerStore(M.kpiCase, 'service_needed', 'case'), `"v" = true`)),
    perStore('minutes_above', 'max', [`(SELECT last("minutes_above_limit") AS "minutes_above" FROM "${M.kpiCase}" ${where(STORE)} GROUP BY "store", "case")`]),
  ];
  const deviceHealth = [
    perStore('offline', 'sum', DEVICES_OFFLINE),
    // The backend's judgement of silent, self-reported faulty and implausible devices; no raw readings needed.
    perStore('sensor_faults', 'sum', [`(SELECT last("open") AS "sensor_faults" FROM "${M.kpiOpenTasks}" ${where(STORE, `"kind" = 'sensor_fault'`)} GROUP BY "store", "kind")`]),
    `SELECT sum("dead_lettered") AS "dead_lettered", sum("rejected") AS "rejected" FROM ${COUNTER_INCREASES} GROUP BY "store"`,
    perStore('outbox_age_s', 'max', [`(SELECT last("outbox_age_s") AS "outbox_age_s" FROM "${M.gatewayStats}" ${where(STORE)} GROUP BY "store", "gateway", "sink")`]),
  ];

  return new DashboardBuilder('ShelfWatch — Chain overview')
    .uid('shelfwatch-chain-overview')
    .tags(['shelfwatch', 'chain', 'operations'])
    .description('Every store at a glance, worst first: shelf availability, cold-chain alarms and device health, and the same figures over the whole chain.')
    .editable()
    .time({ from: 'now-3h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withVariable(storeVariable())
    .withRow(new RowBuilder('Chain'))
    .withPanel(
      chainStat('Stores reporting', 'Stores whose backend wrote availability KPIs in the selected range (kpi_availability).', `SELECT count("slots") FROM (SELECT last("slots") AS "slots" FROM "${M.kpiAvailability}" ${where(STORE)} GROUP BY "store")`)
        .unit('short')
        .thresholds(steps(COLOR.info)),
    )
    .withPanel(
      chainStat('On-shelf availability', 'Latest share of planogram slots with stock over all selected stores, weighted by slots (kpi_availability).', `SELECT ${ON_SHELF_PCT} FROM ${AISLES}`)
        .unit('percent')
        .decimals(1)
        .thresholds(availabilitySteps()),
    )
    .withPanel(
      chainStat('Cases in alarm', 'Refrigerated cases whose temperature excursion alarm is raised now, over all selected stores (kpi_case.in_alarm).', `SELECT sum("cases_in_alarm") FROM ${CASES_IN_ALARM.join(', ')}`)
        .unit('short')
        .thresholds(alarmSteps()),
    )
    .withPanel(
      chainStat(
        'Open cold-chain tasks',
        `Open or acknowledged tasks of kinds ${COLD_CHAIN_TASK_KINDS.join(', ')}, over all selected stores (kpi_open_tasks).`,
        `SELECT sum("open_cold_tasks") FROM ${OPEN_COLD_TASKS}`,
      )
        .unit('short')
        .thresholds(alarmSteps()),
    )
    .withPanel(
      chainStat('Devices offline', 'Devices whose latest status says offline, over all selected stores (device_status).', `SELECT sum("offline") FROM ${DEVICES_OFFLINE.join(', ')}`)
        .unit('short')
        .thresholds(alarmSteps()),
    )
    .withPanel(
      chainStat('Dead letters', 'Readings the stores’ gateways gave up on in the selected range (gateway_stats.dead_lettered): each needs a look.', `SELECT sum("dead_lettered") FROM ${COUNTER_INCREASES}`)
        .unit('short')
        .thresholds(alarmSteps()),
    )
    .withRow(new RowBuilder('Stores, worst first'))
    .withPanel(
      storeTable({
        title: 'On-shelf availability by store',
        description: 'Latest share of planogram slots with stock in each store (slot-weighted over its aisles), lowest first. Click a store for its store operations dashboard.',
        queries: availability,
        columns: [
          { field: 'on_shelf_pct', header: 'on-shelf %', unit: 'percent', thresholds: availabilitySteps() },
          { field: 'oos_slots', header: 'out-of-stock slots', unit: 'short' },
          { field: 'slots', header: 'slots', unit: 'short' },
        ],
        sortBy: { header: 'on-shelf %', desc: false },
        drillDown: 'shelfwatch-store-operations',
      }),
    )
    .withPanel(
      storeTable({
        title: 'Cold-chain alarms by store',
        description: `Cases in alarm now, most first; open cold-chain tasks (${COLD_CHAIN_TASK_KINDS.join(', ')}), cases whose refrigeration needs service, and the longest time a case has spent above its limit. Click a store for its cold chain dashboard.`,
        queries: coldChain,
        columns: [
          { field: 'cases_in_alarm', header: 'cases in alarm', unit: 'short', thresholds: alarmSteps() },
          { field: 'open_cold_tasks', header: 'open cold-chain tasks', unit: 'short' },
          { field: 'service_needed', header: 'cases needing service', unit: 'short' },
          { field: 'minutes_above', header: 'longest time above limit', unit: 'm' },
        ],
        sortBy: { header: 'cases in alarm', desc: true },
        drillDown: 'shelfwatch-cold-chain',
      }),
    )
    .withPanel(
      storeTable({
        title: 'Device health by store',
        description:
          'Devices offline now, most first; open sensor-fault tasks (devices silent, reporting a fault or reading implausibly, as the rules judge them); readings the gateway dead-lettered and inputs it rejected in the range; how far its slowest sink is behind. Click a store for its devices dashboard.',
        queries: deviceHealth,
        columns: [
          { field: 'offline', header: 'devices offline', unit: 'short', thresholds: alarmSteps() },
          { field: 'sensor_faults', header: 'open sensor-fault tasks', unit: 'short' },
          { field: 'dead_lettered', header: 'dead letters', unit: 'short' },
          { field: 'rejected', header: 'rejected inputs', unit: 'short' },
          { field: 'outbox_age_s', header: 'gateway behind', unit: 's' },
        ],
        sortBy: { header: 'devices offline', desc: true },
        drillDown: 'shelfwatch-devices',
      }),
    )
    .build();
}
