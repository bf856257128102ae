import { INFLUX_DATABASE, MEASUREMENTS, RETENTION } from './influx-schema.js';

/**
 * Downsampling: the continuous queries that turn the short-lived raw series (RP "raw")
 * into the long-lived records — 5-minute temperature records for food-safety audits
 * (RP "audit") and stock, KPI, task and device-health trends (RP "trend").
 * The whole schema, including what each downsampled series holds, is documented in
 * dashboards/README.md.
 */
export interface Downsample {
  /** Continuous query name; also names the series it writes (`<name>` in its RP). */
  name: string;
  /** Measurement read from the raw (default) RP. */
  from: string;
  /** Target retention policy. */
  rp: string;
  /** Target measurement. */
  into: string;
  /** GROUP BY time() bucket. */
  bucket: string;
  /** RESAMPLE FOR: how far back every run recomputes, so late points (gateway outbox
   *  catching up, batching) still land in their bucket. */
  resampleFor: string;
  /** Aggregates, e.g. `mean("temp_c") AS "temp_c_mean"`. */
  select: string[];
  /** Tags kept on the downsampled series. */
  tags: string[];
  /** A condition on the raw points, e.g. `"in_alarm" = true` to count only alarm minutes. */
  where?: string;
}

const q = (identifier: string) => `"${identifier.replace(/"/g, '\\"')}"`;

/** The downsampled series, in the order their continuous queries are created. */
export function downsamples(): Downsample[] {
  const M = MEASUREMENTS;
  const audit = RETENTION.audit.name;
  const trend = RETENTION.trend.name;
  const minMaxMean = (field: string, prefix: string) => [
    `mean(${q(field)}) AS ${q(`${prefix}_mean`)}`,
    `min(${q(field)}) AS ${q(`${prefix}_min`)}`,
    `max(${q(field)}) AS ${q(`${prefix}_max`)}`,
    `count(${q(field)}) AS "samples"`,
  ];
  return [
    {
      name: 'probe_temperature_5m',
      from: M.probeTemperature,
      rp: audit,
      into: 'probe_temperature_5m',
      bucket: '5m',
      resampleFor: '1h',
      select: minMaxMean('temp_c', 'temp_c'),
      tags: ['store', 'case', 'probe', 'placement'],
    },
    {
      name: 'case_controller_5m',
      from: M.caseController,
      rp: audit,
      into: 'case_controller_5m',
      bucket: '5m',
      resampleFor: '1h',
      select: [...minMaxMean('air_temp_c', 'air_temp_c'), `last("setpoint_c") AS "setpoint_c"`],
      tags: ['store', 'case', 'controller'],
    },
    {
      name: 'kpi_availability_15m',
      from: M.kpiAvailability,
      rp: trend,
      into: 'kpi_availability_15m',
      bucket: '15m',
      resampleFor: '2h',
      select: [`mean("on_shelf_pct") AS "on_shelf_pct"`, `max("oos_slots") AS "oos_slots_max"`, `last("slots") AS "slots"`],
      tags: ['store', 'aisle'],
    },
    {
      name: 'kpi_compliance_15m',
      from: M.kpiCompliance,
      rp: trend,
      into: 'kpi_compliance_15m',
      bucket: '15m',
      resampleFor: '2h',
      select: [`mean("compliance_pct") AS "compliance_pct"`],
      tags: ['store', 'shelf'],
    },
    {
      name: 'kpi_open_tasks_15m',
      from: M.kpiOpenTasks,
      rp: trend,
      into: 'kpi_open_tasks_15m',
      bucket: '15m',
      resampleFor: '2h',
      select: [`max("open") AS "open_max"`, `mean("open") AS "open_mean"`],
      tags: ['store', 'kind'],
    },
    {
      name: 'kpi_case_15m',
      from: M.kpiCase,
      rp: trend,
      into: 'kpi_case_15m',
      bucket: '15m',
      resampleFor: '2h',
      select: [`max("minutes_above_limit") AS "minutes_above_limit"`],
      tags: ['store', 'case'],
    },
    {
      name: 'task_event_1h',
      from: M.taskEvent,
      rp: trend,
      into: 'task_event_1h',
      bucket: '1h',
      resampleFor: '3h',
      select: [
        `sum("count") AS "events"`,
        `mean("seconds_since_raised") AS "seconds_mean"`,
        `max("seconds_since_raised") AS "seconds_max"`,
      ],
      tags: ['store', 'kind', 'event'],
    },
    {
      name: 'shelf_stock_15m',
      from: M.shelfWeight,
      rp: trend,
      into: 'shelf_stock_15m',
      bucket: '15m',
      resampleFor: '2h',
      select: [`min("units") AS "units_min"`, `last("units") AS "units_last"`],
      tags: ['store', 'shelf', 'slot', 'sku'],
    },
    {
      name: 'probe_health_1h',
      from: M.probeTemperature,
      rp: trend,
      into: 'probe_health_1h',
      bucket: '1h',
      resampleFor: '3h',
      select: [`min("battery_pct") AS "battery_pct_min"`, `mean("rssi_dbm") AS "rssi_dbm_mean"`, `count("battery_pct") AS "messages"`],
      tags: ['store', 'case', 'probe'],
    },
    {
      name: 'gateway_stats_5m',
      from: M.gatewayStats,
      rp: trend,
      into: 'gateway_stats_5m',
      bucket: '5m',
      resampleFor: '1h',
      select: [
        `max("rejected") AS "rejected"`,
        `max("written") AS "written"`,
        `max("outbox_depth") AS "outbox_depth"`,
        `max("outbox_age_s") AS "outbox_age_s"`,
        `max("dead_lettered") AS "dead_lettered"`,
      ],
      tags: ['store', 'gateway', 'input', 'sink', 'reason'],
    },
  ];
}

function selectInto(d: Downsample, db: string, timeRange?: string): string {
  const groupBy = [`time(${d.bucket})`, ...d.tags.map(q)].join(', ');
  const conditions = [d.where, timeRange].filter((c) => c !== undefined);
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${d.select.join(', ')} INTO ${q(db)}.${q(d.rp)}.${q(d.into)} FROM ${q(db)}.${q(RETENTION.raw.name)}.${q(d.from)}${where} GROUP BY ${groupBy}`;
}

/**
 * CREATE CONTINUOUS QUERY statements, each preceded by its DROP. InfluxDB 1.6 accepts a
 * CREATE that repeats an existing query word for word, but answers "continuous query
 * already exists" when the definition changed (an upgrade); DROP of a query that does not
 * exist is not an error there. So DROP + CREATE is idempotent and also applies a new
 * definition. Several writers may run it at once: whatever the interleaving, the last
 * statement of each pair is a CREATE with the same text, so the query ends up defined.
 */
export function continuousQueryStatements(db: string = INFLUX_DATABASE, list: readonly Downsample[] = downsamples()): string[] {
  return list.flatMap((d) => [
    `DROP CONTINUOUS QUERY ${q(d.name)} ON ${q(db)}`,
    `CREATE CONTINUOUS QUERY ${q(d.name)} ON ${q(db)} RESAMPLE EVERY ${d.bucket} FOR ${d.resampleFor} BEGIN ${selectInto(d, db)} END`,
  ]);
}

/**
 * The same SELECT ... INTO statements over an explicit time range. Continuous queries only
 * cover their RESAMPLE FOR window; after a longer outage (the gateway's outbox delivering
 * hours of readings late) or for an import, run these over the affected range. Rerunning
 * is harmless: a bucket is rewritten with the same tags and time.
 */
export function downsampleBackfillStatements(fromMs: number, toMs: number, db: string = INFLUX_DATABASE, list: readonly Downsample[] = downsamples()): string[] {
  const timeRange = `time >= ${Math.floor(fromMs)}ms AND time < ${Math.ceil(toMs)}ms`;
  return list.map((d) => selectInto(d, db, timeRange));
}

/**
 * InfluxQL statements that create the database, retention policies and continuous
 * queries, in order; every statement is idempotent, so any writer may run them at start.
 */
export function influxSetupStatements(database: string = INFLUX_DATABASE): string[] {
  const rps = Object.values(RETENTION).map(
    (rp) =>
      `CREATE RETENTION POLICY "${rp.name}" ON "${database}" DURATION ${rp.duration} REPLICATION 1${rp.default ? ' DEFAULT' : ''}`,
  );
  return [`CREATE DATABASE "${database}"`, ...rps, ...continuousQueryStatements(database)];
}
