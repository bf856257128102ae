import { INFLUX_DATABASE, MEASUREMENTS, influxSetupStatements, pointTimestampNs, type TaskEvent } from '@shelfwatch/contracts';
import { isRetryableStatus, Worker, type Timers } from '@shelfwatch/service-kit';
import type { Logger } from 'pino';
import type { StoreKpis } from '../rules/types.js';
import type { Storage } from '../storage/ports.js';
import { toLine } from './line-protocol.js';

export interface InfluxExporterContext {
  storage: Storage;
  url: string;
  database?: string;
  logger: Logger;
  timers: Timers;
  /** Poll interval for new task events (they are also pushed with kick()). */
  intervalMs?: number;
  onWritten?: (measurement: string, points: number) => void;
}

const CURSOR = 'influx.task_events';
/** The last flush at shutdown gets this long: an InfluxDB that hangs must not hold a stopping backend. */
const FINAL_FLUSH_MS = 2_000;
const MAX_KPI_LINES = 50_000;
const INFLUX_EVENTS = new Set(['raised', 'acknowledged', 'done', 'resolved', 'escalated']);

/**
 * Writes task lifecycle events and KPI snapshots to InfluxDB. Task events are read from
 * the durable event log behind a durable cursor (the outbox pattern): InfluxDB may be
 * down for hours and every event still arrives, once per point (the timestamp is
 * derived from the event's seq, so a retried write lands on the same point). KPI
 * snapshots are state, not history: they are queued in memory and a crash loses at most
 * the unsent minutes.
 */
export class InfluxExporter {
  private ready = false;
  private kpiLines: string[] = [];
  private readonly worker: Worker;
  /** Points InfluxDB refused as bad data (beyond retention, type conflict). */
  rejected = 0;

  constructor(private readonly ctx: InfluxExporterContext) {
    this.worker = new Worker({
      name: 'InfluxDB export',
      logger: ctx.logger,
      timers: ctx.timers,
      intervalMs: ctx.intervalMs ?? 1000,
      backoff: { initialMs: 2_000, maxMs: 30_000 },
      // stop() aborts a write in flight: its cursor has not moved, so nothing is lost.
      pass: (signal) => this.flush(signal),
    });
  }

  private get database(): string {
    return this.ctx.database ?? INFLUX_DATABASE;
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    // One last, short flush so a clean shutdown does not strand the last KPI minute.
    if (!this.ready) return;
    await this.flush(AbortSignal.timeout(FINAL_FLUSH_MS)).catch(() => undefined);
  }

  /** New task events: write them now (or right after the write in flight). */
  kick(): void {
    this.worker.kick();
  }

  /** Queues one minute's KPI snapshot of a store. */
  addKpis(kpis: StoreKpis, openByKind: { kind: string; open: number }[]): void {
    const store = kpis.storeId;
    const ts = (suffix: string) => pointTimestampNs(kpis.at, suffix);
    const lines: string[] = [];
    for (const a of kpis.availability) {
      lines.push(toLine(MEASUREMENTS.kpiAvailability, { store, aisle: a.aisle }, { on_shelf_pct: a.onShelfPct, oos_slots: { int: a.oosSlots }, slots: { int: a.slots } }, ts(`a:${a.aisle}`)));
    }
    for (const c of kpis.compliance) lines.push(toLine(MEASUREMENTS.kpiCompliance, { store, shelf: c.shelfId }, { compliance_pct: c.compliancePct }, ts(`c:${c.shelfId}`)));
    for (const o of openByKind) lines.push(toLine(MEASUREMENTS.kpiOpenTasks, { store, kind: o.kind }, { open: { int: o.open } }, ts(`o:${o.kind}`)));
    for (const c of kpis.cases) {
      lines.push(toLine(MEASUREMENTS.kpiCase, { store, case: c.caseId }, { minutes_above_limit: c.minutesAboveLimit, in_alarm: c.inAlarm }, ts(`k:${c.caseId}`)));
    }
    for (const f of kpis.forecasts ?? []) {
      const tags = { store, aisle: f.aisle, slot: f.slotId, sku: f.sku };
      const now = { units: { int: f.units }, sales_per_hour: f.salesPerHour, ...(f.minutesToEmpty === null ? {} : { minutes_to_empty: f.minutesToEmpty }) };
      lines.push(toLine(MEASUREMENTS.kpiSlotForecast, tags, now, ts(`f:${f.slotId}`)));
      // Stamped when it is due, so the dashboard draws it against what the scale then shows.
      lines.push(toLine(MEASUREMENTS.kpiSlotForecast, tags, { units_forecast_1h: f.unitsInOneHour }, pointTimestampNs(kpis.at + 3_600_000, `f1h:${f.slotId}`)));
    }
    this.kpiLines.push(...lines);
    if (this.kpiLines.length > MAX_KPI_LINES) {
      const dropped = this.kpiLines.length - MAX_KPI_LINES;
      this.kpiLines = this.kpiLines.slice(dropped);
      this.ctx.logger.warn({ dropped }, 'InfluxDB unreachable for long: oldest KPI snapshots dropped (task events are kept)');
    }
  }

  private async query(q: string, signal: AbortSignal): Promise<void> {
    const res = await fetch(`${this.ctx.url}/query`, { method: 'POST', body: new URLSearchParams({ q }), signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
    if (!res.ok) throw new Error(`InfluxDB query failed: HTTP ${res.status} ${await res.text()}`);
  }

  /**
   * A permanent refusal is the data's fault (points older than the retention policy, a field
   * type conflict): retrying would block the cursor forever, so the batch is logged, counted
   * and passed (InfluxDB has kept the valid points of a partial write). Any other failure,
   * including a refusal of everyone (wrong credentials, a database that is gone), is thrown,
   * so the cursor stays and the batch is retried with backoff.
   */
  private async write(lines: string[], signal: AbortSignal): Promise<void> {
    const res = await fetch(`${this.ctx.url}/write?db=${encodeURIComponent(this.database)}&precision=n`, {
      method: 'POST',
      body: lines.join('\n'),
      signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    });
    if (res.ok) return;
    const text = await res.text();
    if (!isRetryableStatus(res.status)) {
      this.rejected += lines.length;
      this.ctx.logger.warn({ status: res.status, error: text.slice(0, 300), lines: lines.length }, 'InfluxDB refused points; skipped (not retryable)');
      return;
    }
    // 404 "database not found": somebody dropped it; create it again before the retry.
    if (res.status === 404) this.ready = false;
    throw new Error(`InfluxDB write failed: HTTP ${res.status} ${text}`);
  }

  private async flush(signal: AbortSignal): Promise<void> {
    if (!this.ready) {
      for (const q of influxSetupStatements(this.database)) await this.query(q, signal);
      this.ready = true;
    }
    for (;;) {
      const cursor = this.ctx.storage.cursors.get(CURSOR);
      const events = this.ctx.storage.tasks.eventsAfter(cursor, 2000);
      if (events.length === 0) break;
      const lines = events.filter((e) => INFLUX_EVENTS.has(e.type)).map((e) => taskEventLine(e));
      if (lines.length) await this.write(lines, signal);
      this.ctx.storage.cursors.set(CURSOR, events[events.length - 1]?.seq ?? cursor);
      this.ctx.onWritten?.(MEASUREMENTS.taskEvent, lines.length);
    }
    if (this.kpiLines.length) {
      const batch = this.kpiLines.slice(0, 5000);
      await this.write(batch, signal);
      this.kpiLines = this.kpiLines.slice(batch.length);
      this.ctx.onWritten?.('kpi', batch.length);
    }
  }
}

export function taskEventLine(e: TaskEvent): string {
  const at = e.type === 'raised' ? e.task.raisedAt : e.task.updatedAt;
  return toLine(
    MEASUREMENTS.taskEvent,
    { store: e.task.storeId, kind: e.task.kind, event: e.type, severity: e.task.severity },
    { task_id: e.task.id, seconds_since_raised: e.type === 'raised' ? 0 : (at - e.task.raisedAt) / 1000, count: { int: 1 } },
    pointTimestampNs(at, `task-event:${e.seq}`),
  );
}
