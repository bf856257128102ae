import { INFLUX_DATABASE, INFLUX_TASK_EVENTS, influxSetupStatements, kpiPoints, MEASUREMENTS, taskEventPoint, type InfluxPointShape } from '@shelfwatch/contracts';
import { InfluxWriteError, InfluxWriter, Worker, type Timers } from '@shelfwatch/service-kit';
import type { Logger } from 'pino';
import type { StoreKpis } from '../rules/types.js';
import type { Storage } from '../storage/ports.js';

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
const MAX_KPI_POINTS = 50_000;
/**
 * The cursor is saved at most this often (and at stop): each save is a commit with an fsync,
 * and a move lost in a crash only rewrites points InfluxDB already holds, onto themselves.
 */
const CURSOR_SAVE_MS = 1_000;

/**
 * Writes task lifecycle events and KPI snapshots to InfluxDB. Task events are read from
 * the durable event log behind a durable cursor (the outbox pattern): InfluxDB may be
 * down for hours and every event still arrives, once per point (the timestamp is
 * derived from the event's seq, so a retried write lands on the same point). KPI
 * snapshots are state, not history: they are queued in memory and a crash loses at most
 * the unsent minutes.
 */
export class InfluxExporter {
  private readonly writer: InfluxWriter;
  private kpiPoints: InfluxPointShape[] = [];
  private readonly worker: Worker;
  /** Where the export is (ahead of the saved cursor by at most CURSOR_SAVE_MS of writes). */
  private cursor: number | undefined;
  private savedCursor: number | undefined;
  private cursorSavedAt = Number.NEGATIVE_INFINITY;
  /** Points InfluxDB refused as bad data (beyond retention, type conflict). */
  rejected = 0;

  constructor(private readonly ctx: InfluxExporterContext) {
    const database = ctx.database ?? INFLUX_DATABASE;
    this.writer = new InfluxWriter({ url: ctx.url, database, setupStatements: influxSetupStatements(database) });
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

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    // One last, short flush so a clean shutdown does not strand the last KPI minute.
    if (!this.writer.prepared) return;
    await this.flush(AbortSignal.timeout(FINAL_FLUSH_MS)).catch(() => undefined);
    await this.saveCursor(true).catch((err: unknown) => this.ctx.logger.warn({ err }, 'InfluxDB export cursor not saved at stop: its last second of events is written again next time'));
  }

  /** New task events: write them now (or right after the write in flight). */
  kick(): void {
    this.worker.kick();
  }

  /** Queues one minute's KPI snapshot of a store. */
  addKpis(kpis: StoreKpis, openByKind: { kind: string; open: number }[]): void {
    this.kpiPoints.push(...kpiPoints(kpis, openByKind));
    if (this.kpiPoints.length > MAX_KPI_POINTS) {
      const dropped = this.kpiPoints.length - MAX_KPI_POINTS;
      this.kpiPoints = this.kpiPoints.slice(dropped);
      this.ctx.logger.warn({ dropped }, 'InfluxDB unreachable for long: oldest KPI snapshots dropped (task events are kept)');
    }
  }

  /**
   * A permanent refusal is the data's fault (points older than the retention policy, a field
   * type conflict): retrying would block the cursor forever, so the batch is logged, counted
   * and passed (InfluxDB has kept the valid points of a partial write). Any other failure,
   * including a refusal of everyone (wrong credentials, a database that is gone), is thrown,
   * so the cursor stays and the batch is retried with backoff.
   */
  private async write(points: InfluxPointShape[], signal: AbortSignal): Promise<void> {
    try {
      const { droppedBeyondRetention } = await this.writer.write(points, signal);
      if (droppedBeyondRetention > 0) this.refused(droppedBeyondRetention, points.length, 'points older than the retention policy');
    } catch (err) {
      if (!(err instanceof InfluxWriteError) || err.retryable) throw err;
      this.refused(points.length, points.length, err.message.slice(0, 300));
    }
  }

  private refused(count: number, batch: number, error: string): void {
    this.rejected += count;
    this.ctx.logger.warn({ error, refused: count, points: batch }, 'InfluxDB refused points; skipped (not retryable)');
  }

  private async saveCursor(now: boolean): Promise<void> {
    const cursor = this.cursor;
    if (cursor === undefined || cursor === this.savedCursor) return;
    if (!now && performance.now() - this.cursorSavedAt < CURSOR_SAVE_MS) return;
    await this.ctx.storage.cursors.set(CURSOR, cursor);
    this.savedCursor = cursor;
    this.cursorSavedAt = performance.now();
  }

  private async flush(signal: AbortSignal): Promise<void> {
    await this.writer.prepare(signal);
    for (;;) {
      this.cursor ??= this.savedCursor = await this.ctx.storage.cursors.get(CURSOR);
      const events = await this.ctx.storage.tasks.eventsAfter(this.cursor, 2000);
      if (events.length === 0) break;
      const points = events.filter((e) => INFLUX_TASK_EVENTS.has(e.type)).map(taskEventPoint);
      await this.write(points, signal);
      this.cursor = events[events.length - 1]?.seq ?? this.cursor;
      await this.saveCursor(false);
      this.ctx.onWritten?.(MEASUREMENTS.taskEvent, points.length);
    }
    await this.saveCursor(false);
    if (this.kpiPoints.length) {
      const batch = this.kpiPoints.slice(0, 5000);
      await this.write(batch, signal);
      this.kpiPoints = this.kpiPoints.slice(batch.length);
      this.ctx.onWritten?.('kpi', batch.length);
    }
  }
}
