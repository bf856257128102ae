import { continuousQueryStatements, INFLUX_DATABASE, MEASUREMENTS, type Downsample } from '@shelfwatch/contracts';

/**
 * Chain-level rollups, for the InfluxDB that holds every store's KPIs and gateway
 * statistics (docs/chain-time-series.md): one series per store (aisles, cases and devices
 * folded in), one point an hour, kept for years in their own retention policy. They are
 * applied to that node on top of `influxSetupStatements()`; a single store does not need them.
 */
export const CHAIN_RP = { name: 'chain', duration: '800d' } as const;

const M = MEASUREMENTS;

export function chainRollups(): Downsample[] {
  const hourly = { rp: CHAIN_RP.name, bucket: '1h', resampleFor: '3h' } as const;
  return [
    {
      // Slot-minutes and out-of-stock slot-minutes: the hour's availability is
      // 100 × (1 − oos_slot_minutes / slot_minutes), weighted by slots and by the minutes reported.
      name: 'store_availability_1h',
      from: M.kpiAvailability,
      into: 'store_availability_1h',
      select: [`sum("oos_slots") AS "oos_slot_minutes"`, `sum("slots") AS "slot_minutes"`, `min("on_shelf_pct") AS "worst_aisle_pct"`],
      tags: ['store'],
      ...hourly,
    },
    {
      // Case-minutes in alarm; an hour without any writes no point (read it with fill(0)).
      name: 'store_cold_chain_1h',
      from: M.kpiCase,
      into: 'store_cold_chain_1h',
      select: [`count("in_alarm") AS "alarm_case_minutes"`],
      tags: ['store'],
      where: `"in_alarm" = true`,
      ...hourly,
    },
    {
      name: 'store_tasks_1h',
      from: M.taskEvent,
      into: 'store_tasks_1h',
      select: [`sum("count") AS "events"`, `mean("seconds_since_raised") AS "seconds_mean"`],
      tags: ['store', 'kind', 'event'],
      ...hourly,
    },
    {
      // Counters (cumulative since the gateway started): their rise per hour is non_negative_difference() at query time.
      name: 'store_gateway_1h',
      from: M.gatewayStats,
      into: 'store_gateway_1h',
      select: [`max("dead_lettered") AS "dead_lettered"`, `max("rejected") AS "rejected"`, `max("outbox_age_s") AS "outbox_age_s_max"`],
      tags: ['store', 'gateway', 'sink', 'input', 'reason'],
      ...hourly,
    },
  ];
}

/** The retention policy and the continuous queries, in order; every statement is idempotent. */
export function chainRollupStatements(database: string = INFLUX_DATABASE): string[] {
  return [
    `CREATE RETENTION POLICY "${CHAIN_RP.name}" ON "${database}" DURATION ${CHAIN_RP.duration} REPLICATION 1`,
    ...continuousQueryStatements(database, chainRollups()),
  ];
}
