import { intField, MEASUREMENTS, pointTimestampNs, type FieldValue, type InfluxPointShape } from './influx-schema.js';
import { TaskKind, type TaskEvent } from './tasks.js';

/**
 * The points the backend and the gateway write besides readings (shapes documented at
 * MEASUREMENTS and in dashboards/README.md). Built here so every writer, and the data the
 * dashboards' tests are seeded with, produce the same measurements, tags, field types and
 * timestamps.
 */

/** The task lifecycle events that become `task_event` points. */
export const INFLUX_TASK_EVENTS: ReadonlySet<string> = new Set(['raised', 'acknowledged', 'done', 'resolved', 'escalated']);

export interface TaskEventPointInput {
  seq: TaskEvent['seq'];
  type: TaskEvent['type'];
  task: Pick<TaskEvent['task'], 'id' | 'storeId' | 'kind' | 'severity' | 'raisedAt' | 'updatedAt'>;
}

/** One `task_event` point; its timestamp comes from the event's seq, so a retried write lands on the same point. */
export function taskEventPoint(e: TaskEventPointInput): InfluxPointShape {
  const at = e.type === 'raised' ? e.task.raisedAt : e.task.updatedAt;
  return {
    measurement: MEASUREMENTS.taskEvent,
    tags: { store: e.task.storeId, kind: e.task.kind, event: e.type, severity: e.task.severity },
    fields: { task_id: e.task.id, seconds_since_raised: e.type === 'raised' ? 0 : (at - e.task.raisedAt) / 1000, count: intField(1) },
    timestampNs: pointTimestampNs(at, `task-event:${e.seq}`),
  };
}

/** One minute of a store's KPIs (the rules engine's `StoreKpis` fits it). */
export interface KpiSnapshot {
  storeId: string;
  at: number;
  availability: readonly { aisle: string; onShelfPct: number; oosSlots: number; slots: number }[];
  compliance: readonly { shelfId: string; compliancePct: number }[];
  cases: readonly { caseId: string; minutesAboveLimit: number; inAlarm: boolean; plant?: { dutyPct: number | null; capacityPctOfNormal: number | null; serviceNeeded: boolean } }[];
  forecasts?: readonly { aisle: string; slotId: string; sku: string; units: number; salesPerHour: number; minutesToEmpty: number | null; unitsInOneHour: number }[];
}

/**
 * The `kpi_*` points of one minute; each series' timestamp is offset by its key, so a rewrite replaces it.
 * `openByKind` may leave out kinds with nothing open (the task store counts what it has).
 */
export function kpiPoints(kpis: KpiSnapshot, openByKind: readonly { kind: string; open: number }[]): InfluxPointShape[] {
  const store = kpis.storeId;
  const point = (measurement: string, tags: Record<string, string>, fields: Record<string, FieldValue>, key: string, at = kpis.at): InfluxPointShape => ({
    measurement,
    tags: { store, ...tags },
    fields,
    timestampNs: pointTimestampNs(at, key),
  });
  const points: InfluxPointShape[] = [];
  for (const a of kpis.availability) {
    points.push(point(MEASUREMENTS.kpiAvailability, { aisle: a.aisle }, { on_shelf_pct: a.onShelfPct, oos_slots: intField(a.oosSlots), slots: intField(a.slots) }, `a:${a.aisle}`));
  }
  for (const c of kpis.compliance) points.push(point(MEASUREMENTS.kpiCompliance, { shelf: c.shelfId }, { compliance_pct: c.compliancePct }, `c:${c.shelfId}`));
  // Every kind every minute, 0 included: a kind whose last task closed must read 0, not its last count.
  const open = new Map<string, number>([...TaskKind.options.map((kind) => [kind, 0] as const), ...openByKind.map((o) => [o.kind, o.open] as const)]);
  for (const [kind, n] of open) points.push(point(MEASUREMENTS.kpiOpenTasks, { kind }, { open: intField(n) }, `o:${kind}`));
  for (const c of kpis.cases) {
    const plant: Record<string, FieldValue> = {};
    if (c.plant) {
      plant.service_needed = c.plant.serviceNeeded;
      if (c.plant.dutyPct !== null) plant.duty_pct = c.plant.dutyPct;
      if (c.plant.capacityPctOfNormal !== null) plant.capacity_pct_of_normal = c.plant.capacityPctOfNormal;
    }
    points.push(point(MEASUREMENTS.kpiCase, { case: c.caseId }, { minutes_above_limit: c.minutesAboveLimit, in_alarm: c.inAlarm, ...plant }, `k:${c.caseId}`));
  }
  for (const f of kpis.forecasts ?? []) {
    const tags = { aisle: f.aisle, slot: f.slotId, sku: f.sku };
    const now = { units: intField(f.units), sales_per_hour: f.salesPerHour, ...(f.minutesToEmpty === null ? {} : { minutes_to_empty: f.minutesToEmpty }) };
    points.push(point(MEASUREMENTS.kpiSlotForecast, tags, now, `f:${f.slotId}`));
    // Stamped when it is due, so the dashboard draws it against what the scale then shows.
    points.push(point(MEASUREMENTS.kpiSlotForecast, tags, { units_forecast_1h: f.unitsInOneHour }, `f1h:${f.slotId}`, kpis.at + 3_600_000));
  }
  return points;
}

/** A gateway's counters (cumulative since its start) and outbox gauges at one moment. */
export interface GatewayStatsSnapshot {
  storeId: string;
  gatewayId: string;
  at: number;
  rejected: readonly { input: string; reason: string; count: number }[];
  sinks: readonly { sink: string; written: number; outboxDepth: number; outboxAgeS: number }[];
  deadLettered: readonly { sink: string; reason: string; count: number }[];
}

/** The `gateway_stats` points: one per (input, reason), one per sink, one per (sink, dead-letter reason). */
export function gatewayStatsPoints(s: GatewayStatsSnapshot): InfluxPointShape[] {
  const base = { store: s.storeId, gateway: s.gatewayId };
  // On the millisecond: one report per gateway and moment, so no offset is needed to keep points apart.
  const timestampNs = (BigInt(s.at) * 1_000_000n).toString();
  const point = (tags: Record<string, string>, fields: Record<string, FieldValue>): InfluxPointShape => ({
    measurement: MEASUREMENTS.gatewayStats,
    tags: { ...base, ...tags },
    fields,
    timestampNs,
  });
  return [
    ...s.rejected.map((r) => point({ input: r.input, reason: r.reason }, { rejected: intField(r.count) })),
    ...s.sinks.map((k) => point({ sink: k.sink }, { written: intField(k.written), outbox_depth: intField(k.outboxDepth), outbox_age_s: k.outboxAgeS })),
    ...s.deadLettered.map((d) => point({ sink: d.sink, reason: d.reason }, { dead_lettered: intField(d.count) })),
  ];
}
