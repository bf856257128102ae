import type { IngestBatch, Reading } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import type { EngineHost } from '../engine/engine-host.js';
import type { RuleDecision } from '../rules/types.js';
import type { Storage } from '../storage/ports.js';
import type { TaskService } from '../tasks/task-service.js';
import { BackroomTracker } from './backroom-tracker.js';

export interface IngestServiceContext {
  storage: Storage;
  engines: EngineHost;
  tasks: TaskService;
  logger: Logger;
  /** Event time kept for replay after a restart. */
  replayMs: number;
  /** Event time reading ids are remembered for idempotence (longer than any gateway outbox backlog). */
  idRetentionMs: number;
  /** Called when a store's event time enters a new minute (KPI snapshots). */
  onMinute?: (storeId: string, minuteMs: number) => void;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Readings for a store this backend does not know or the device may not write. */
  rejected: number;
  decisions: number;
}

const HOUR = 3_600_000;

/**
 * POST /api/v1/ingest's work. One batch is one transaction: the reading ids, the replay
 * copies, and every task, history entry, feed event and outbox row the rules produced
 * commit together, so a crash never half-applies a batch and a retried batch is
 * recognised by its ids.
 */
export class IngestService {
  private readonly lastPruneHour = new Map<string, number>();
  private readonly lastMinute = new Map<string, number>();
  private readonly backroom = new BackroomTracker();
  ruleErrors = 0;
  readonly totals = { accepted: 0, duplicates: 0, rejected: 0 };

  constructor(private readonly ctx: IngestServiceContext) {}

  ingest(batch: IngestBatch, allowedStores: string[] | undefined): IngestResult {
    const accepted: Reading[] = [];
    let rejected = 0;
    for (const r of batch.readings) {
      const allowed = allowedStores === undefined || allowedStores.includes(r.storeId);
      if (allowed && this.ctx.engines.engine(r.storeId)) accepted.push(r);
      else rejected++;
    }
    if (rejected > 0) {
      this.ctx.logger.warn({ gatewayId: batch.gatewayId, rejected }, 'readings rejected: unknown store or store not allowed for this device');
    }
    const touched = new Set(accepted.map((r) => r.storeId));
    try {
      const result = this.ctx.tasks.unitOfWork(() => {
        const fresh = this.ctx.storage.readings.admitNew(accepted);
        this.ctx.storage.readings.keepRecent(fresh);
        // Rules run on event time: a batch may mix devices and arrive after a backlog.
        const ordered = fresh.map((r, i) => ({ r, i })).sort((a, b) => a.r.ts - b.r.ts || a.i - b.i);
        let decisions = 0;
        for (const { r } of ordered) {
          const restock = this.backroom.observe(r);
          if (restock) this.ctx.storage.catalog.adjustBackroom(restock.storeId, restock.sku, -restock.units);
          decisions += this.feed(r.storeId, (e) => e.onReading(r));
        }
        for (const storeId of new Set(fresh.map((r) => r.storeId))) {
          const maxTs = Math.max(...fresh.filter((r) => r.storeId === storeId).map((r) => r.ts));
          this.ctx.engines.observe(storeId, maxTs);
          decisions += this.tick(storeId, this.ctx.engines.now(storeId));
          this.prune(storeId, maxTs);
        }
        return { accepted: fresh.length, duplicates: accepted.length - fresh.length, decisions };
      });
      for (const storeId of touched) this.minute(storeId);
      this.totals.accepted += result.accepted;
      this.totals.duplicates += result.duplicates;
      this.totals.rejected += rejected;
      return { ...result, rejected };
    } catch (err) {
      // The engines saw readings whose effects were rolled back: rebuild them from what is durable.
      for (const storeId of touched) this.ctx.engines.rebuild(storeId);
      throw err;
    }
  }

  /** Advances a store with no reading (timer): timeouts, alarm delays, escalation. */
  tickStore(storeId: string): number {
    // Wall time must not leak into a store whose readings (a replay, a simulation) run on another clock.
    if (!this.ctx.engines.hasEventTime(storeId)) return 0;
    const now = this.ctx.engines.now(storeId);
    const n = this.ctx.tasks.unitOfWork(() => this.tick(storeId, now));
    this.minute(storeId);
    return n;
  }

  private tick(storeId: string, now: number): number {
    const n = this.feed(storeId, (e) => e.onTick(now));
    this.ctx.tasks.escalate(storeId, now);
    return n;
  }

  private feed(storeId: string, step: (engine: NonNullable<ReturnType<EngineHost['engine']>>) => RuleDecision[]): number {
    const engine = this.ctx.engines.engine(storeId);
    if (!engine) return 0;
    let decisions: RuleDecision[];
    try {
      decisions = step(engine);
    } catch (err) {
      // A rule bug must not turn one reading into a poison batch the gateway retries forever.
      this.ruleErrors++;
      this.ctx.logger.error({ err, storeId }, 'rule engine threw; reading kept, its decisions lost');
      return 0;
    }
    this.ctx.tasks.applyDecisions(decisions);
    return decisions.length;
  }

  private prune(storeId: string, maxTs: number): void {
    const hour = Math.floor(maxTs / HOUR);
    if (this.lastPruneHour.get(storeId) === hour) return;
    this.lastPruneHour.set(storeId, hour);
    this.ctx.storage.readings.prune(storeId, maxTs - this.ctx.replayMs, maxTs - this.ctx.idRetentionMs);
  }

  private minute(storeId: string): void {
    const minuteMs = Math.floor(this.ctx.engines.now(storeId) / 60_000) * 60_000;
    const last = this.lastMinute.get(storeId);
    if (last !== undefined && minuteMs <= last) return;
    this.lastMinute.set(storeId, minuteMs);
    try {
      this.ctx.onMinute?.(storeId, minuteMs);
    } catch (err) {
      this.ctx.logger.warn({ err, storeId }, 'minute hook failed');
    }
  }
}
