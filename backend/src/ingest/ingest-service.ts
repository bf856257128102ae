import type { IngestBatch, Reading } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import type { EngineHost } from '../engine/engine-host.js';
import type { StoreLeases } from '../replicas/store-leases.js';
import type { RuleDecision } from '../rules/types.js';
import type { TaskService, UnitOfWork } from '../tasks/task-service.js';
import { gatewayKey, storeSilenceDecision } from './store-silence.js';

export interface IngestServiceContext {
  engines: EngineHost;
  tasks: TaskService;
  logger: Logger;
  /** Event time kept for replay after a restart. */
  replayMs: number;
  /** Event time reading ids are remembered for idempotence (longer than any gateway outbox backlog). */
  idRetentionMs: number;
  /** Backend time without any reading from a store before "no data from the store" (default 5 min). */
  storeSilentMs?: number;
  /** Called when a store's decided event time enters a new minute (KPI snapshots). */
  onMinute?: (storeId: string, minuteMs: number) => Promise<void> | void;
  /** Called with the number of readings that arrived after their time was decided. */
  onLate?: (n: number) => void;
  /**
   * Which stores' rules run on this replica (confirmed inside each unit of work). Absent: every
   * store with an engine, as in one process with an embedded database.
   */
  leases?: StoreLeases;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Readings for a store this backend does not know or the device may not write. */
  rejected: number;
  decisions: number;
  /** Accepted readings that arrived after their event time was decided (stored, never re-deciding the past). */
  late: number;
}

const HOUR = 3_600_000;
const MIN = 60_000;
/** Inbox readings one unit of work takes for a store (more wait for the next). */
const INBOX_PAGE = 2_000;

/**
 * POST /api/v1/ingest's work. One batch is one transaction: the reading ids, the replay
 * copies, and every task, history entry, feed event and outbox row the rules produced
 * commit together, so a crash never half-applies a batch and a retried batch is
 * recognised by its ids.
 *
 * Readings go to the rules one by one in the order they arrived (each device's in its own
 * order): the rules decide in event time once a store's devices have all reported far enough
 * (rules/store-watermark.ts), so batching and timing do not change what they decide.
 *
 * With several replicas, any of them accepts a batch; readings of a store whose rules run on
 * another replica are committed to the inbox (with their ids, in the same transaction), and
 * that replica takes them, before its own, in the order they were accepted.
 */
export class IngestService {
  private readonly lastPruneHour = new Map<string, number>();
  private readonly lastMinute = new Map<string, number>();
  /** Stores run here with readings waiting in the inbox (accepted by another replica, or before this one took the store). */
  private readonly waiting = new Set<string>();
  ruleErrors = 0;
  readonly totals = { accepted: 0, duplicates: 0, rejected: 0, late: 0 };

  constructor(private readonly ctx: IngestServiceContext) {}

  async ingest(batch: IngestBatch, allowedStores: string[] | undefined): Promise<IngestResult> {
    const accepted: Reading[] = [];
    let rejected = 0;
    for (const r of batch.readings) {
      const allowed = allowedStores === undefined || allowedStores.includes(r.storeId);
      if (allowed && this.ctx.engines.knows(r.storeId)) accepted.push(r);
      else rejected++;
    }
    if (rejected > 0) {
      this.ctx.logger.warn({ gatewayId: batch.gatewayId, rejected }, 'readings rejected: unknown store or store not allowed for this device');
    }
    const touched = new Set(accepted.map((r) => r.storeId));
    let drained: string[] = [];
    const result = await this.ctx.tasks.unitOfWork(
      async (uow) => {
        const lateBefore = this.lateCount(touched);
        const fresh = await uow.tx.readings.admitNew(accepted);
        const byStore = groupByStore(fresh);
        const here = await this.runsHere(uow, byStore.keys());
        await uow.tx.inbox.put(fresh.filter((r) => !here.has(r.storeId)));
        drained = [];
        let decisions = 0;
        for (const [storeId, readings] of byStore) if (here.has(storeId)) decisions += await this.run(uow, storeId, readings, drained);
        return { accepted: fresh.length, duplicates: accepted.length - fresh.length, decisions, late: this.lateCount(touched) - lateBefore };
      },
      () => this.rolledBack(touched, drained),
    );
    for (const storeId of touched) await this.minute(storeId);
    if (result.late > 0) {
      this.ctx.onLate?.(result.late);
      this.ctx.logger.warn({ gatewayId: batch.gatewayId, late: result.late }, 'readings arrived after their event time was decided (more than the reordering window behind their store): kept, not re-deciding the past');
    }
    this.totals.accepted += result.accepted;
    this.totals.duplicates += result.duplicates;
    this.totals.rejected += rejected;
    this.totals.late += result.late;
    return { ...result, rejected };
  }

  /**
   * The timer's work for a store (no reading needed): escalation of unacknowledged tasks and the
   * "no data from the store" check, both on the backend's clock. The rules are not advanced:
   * a store's event time moves with its readings only.
   */
  async tickStore(storeId: string): Promise<number> {
    if (!this.ctx.engines.hasEventTime(storeId)) return 0;
    return this.ctx.tasks.unitOfWork(async (uow) => ((await this.runsHere(uow, [storeId])).has(storeId) ? this.wallClock(uow, storeId) : 0));
  }

  /** Stores with readings waiting in the inbox; those whose rules run here take them first. Returns true if there is draining to do. */
  markWaiting(storeIds: Iterable<string>): boolean {
    let any = false;
    for (const storeId of storeIds) {
      if (!this.ctx.engines.engine(storeId)) continue;
      this.waiting.add(storeId);
      any = true;
    }
    return any;
  }

  /** Runs the rules on the readings waiting in the inbox for this replica's stores. Resolves true if more are waiting. */
  async drainWaiting(): Promise<boolean> {
    for (const storeId of [...this.waiting]) {
      let drained: string[] = [];
      await this.ctx.tasks.unitOfWork(
        async (uow) => {
          drained = [];
          if ((await this.runsHere(uow, [storeId])).has(storeId)) await this.run(uow, storeId, [], drained);
          else this.waiting.delete(storeId);
        },
        () => this.rolledBack([storeId], drained),
      );
      await this.minute(storeId);
    }
    return this.waiting.size > 0;
  }

  /** Inside a unit of work: the stores whose rules run here (and still may, until it commits). */
  private async runsHere(uow: UnitOfWork, storeIds: Iterable<string>): Promise<Set<string>> {
    const withEngine = [...storeIds].filter((id) => this.ctx.engines.engine(id));
    return this.ctx.leases ? this.ctx.leases.confirm(uow.tx, withEngine) : new Set(withEngine);
  }

  /** The rules of one store on the readings it has waiting in the inbox (if any), then on `readings`. */
  private async run(uow: UnitOfWork, storeId: string, readings: Reading[], drained: string[]): Promise<number> {
    const { engines } = this.ctx;
    let all = readings;
    if (this.waiting.delete(storeId)) {
      drained.push(storeId);
      const early = await uow.tx.inbox.take(storeId, INBOX_PAGE);
      if (early.length === INBOX_PAGE) this.waiting.add(storeId);
      all = [...early, ...readings];
    }
    if (all.length === 0) return 0;
    await uow.tx.readings.keepRecent(all);
    // The rules read backroom levels synchronously: give them this transaction's view.
    engines.setBackroom(storeId, await uow.tx.catalog.backroom(storeId));
    let decisions = 0;
    for (const r of all) decisions += await this.feed(uow, storeId, (e) => e.onReading(r));
    await engines.saveLearnt(uow.tx, storeId);
    const maxTs = newestDataTs(all, storeId);
    engines.observe(storeId, maxTs);
    decisions += await this.wallClock(uow, storeId);
    if (maxTs !== null) await this.prune(uow, storeId, maxTs);
    return decisions;
  }

  /** The engines saw readings whose effects were rolled back: rebuild them from what is durable; what was taken from the inbox is back there. */
  private async rolledBack(storeIds: Iterable<string>, drained: readonly string[]): Promise<void> {
    for (const storeId of drained) this.waiting.add(storeId);
    for (const storeId of storeIds) {
      if (!this.ctx.engines.engine(storeId)) continue;
      try {
        await this.ctx.engines.rebuild(storeId);
      } catch (err) {
        // The database is away (what failed the unit of work, likely): an engine that saw undone
        // readings must not run on. The store is set aside until the next lease round finds it
        // held and rebuilds it; its readings meanwhile wait in the inbox, durable.
        this.ctx.engines.release(storeId);
        this.ctx.leases?.forget(storeId);
        this.ctx.logger.error({ err, storeId }, 'rule state could not be rebuilt after a failed unit of work; the store waits for the next lease round');
      }
    }
  }

  private async wallClock(uow: UnitOfWork, storeId: string): Promise<number> {
    const { engines, tasks } = this.ctx;
    const now = engines.now(storeId);
    await tasks.escalate(uow, storeId, now);
    const silentForMs = engines.silentForMs(storeId);
    const thresholdMs = this.ctx.storeSilentMs ?? 5 * MIN;
    const decision = storeSilenceDecision({
      storeId,
      silentForMs,
      lastEventTs: engines.newestTs(storeId) ?? now,
      at: now,
      thresholdMs,
      open: (await uow.tx.tasks.active(storeId, 'sensor_fault', gatewayKey(storeId))) !== null,
      // Only a silent store needs to know (every batch would pay for the lookup otherwise).
      outageOpen: silentForMs >= thresholdMs && (await uow.tx.tasks.active(storeId, 'sensor_fault', `store:${storeId}`)) !== null,
    });
    if (!decision) return 0;
    await tasks.applyDecisions(uow, [decision]);
    return 1;
  }

  private async feed(uow: UnitOfWork, storeId: string, step: (engine: NonNullable<ReturnType<EngineHost['engine']>>) => RuleDecision[]): Promise<number> {
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
    await this.ctx.tasks.applyDecisions(uow, decisions);
    // A restock took units from the backroom: the next reading's rules see the new level.
    if (decisions.some((d) => d.type === 'restock')) this.ctx.engines.setBackroom(storeId, await uow.tx.catalog.backroom(storeId));
    return decisions.length;
  }

  private lateCount(storeIds: Iterable<string>): number {
    let n = 0;
    for (const storeId of storeIds) n += this.ctx.engines.engine(storeId)?.lateReadings?.() ?? 0;
    return n;
  }

  private async prune(uow: UnitOfWork, storeId: string, maxTs: number): Promise<void> {
    const hour = Math.floor(maxTs / HOUR);
    if (this.lastPruneHour.get(storeId) === hour) return;
    this.lastPruneHour.set(storeId, hour);
    await uow.tx.readings.prune(storeId, maxTs - this.ctx.replayMs, maxTs - this.ctx.idRetentionMs);
  }

  /** KPI snapshots follow the minutes the rules have decided, not the wall clock. */
  private async minute(storeId: string): Promise<void> {
    const decided = this.ctx.engines.engine(storeId)?.eventTime?.() ?? null;
    if (decided === null) return;
    const minuteMs = Math.floor(decided / MIN) * MIN;
    const last = this.lastMinute.get(storeId);
    if (last !== undefined && minuteMs <= last) return;
    this.lastMinute.set(storeId, minuteMs);
    try {
      await this.ctx.onMinute?.(storeId, minuteMs);
    } catch (err) {
      this.ctx.logger.warn({ err, storeId }, 'minute hook failed');
    }
  }
}

function groupByStore(readings: readonly Reading[]): Map<string, Reading[]> {
  const byStore = new Map<string, Reading[]>();
  for (const r of readings) {
    const list = byStore.get(r.storeId);
    if (list) list.push(r);
    else byStore.set(r.storeId, [r]);
  }
  return byStore;
}

/**
 * The newest event time among a store's device data in a batch (null if it holds only
 * statuses): a status may be dated by the gateway's clock, which is not the store's time.
 */
function newestDataTs(readings: readonly Reading[], storeId: string): number | null {
  let max: number | null = null;
  for (const r of readings) if (r.storeId === storeId && r.kind !== 'device.status' && (max === null || r.ts > max)) max = r.ts;
  return max;
}
