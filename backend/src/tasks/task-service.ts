import { randomUUID } from 'node:crypto';
import type { ReplenishmentRequested, Task, TaskEvent, TaskKind, TaskWithHistory } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import type { Clock, Listeners } from '@shelfwatch/service-kit';
import type { Condition, RuleDecision } from '../rules/types.js';
import pLimit from 'p-limit';
import type { PendingEvent, Repos, Storage } from '../storage/ports.js';
import { acknowledge, complete, escalateIfDue, nextEscalationAt, raise, reassert, resolve, SYSTEM, type Transition } from './task-state.js';

/** What one unit of work committed: the hook the live feed, metrics, the InfluxDB exporter and the webhook worker listen on. */
export interface TaskCommit {
  events: readonly TaskEvent[];
  /** Supplier webhooks were queued in the outbox. */
  webhooksQueued: boolean;
}

export interface TaskServiceContext {
  storage: Storage;
  /** Told after every commit, never before: a listener never hears of an event that a crash could take back. */
  committed: Listeners<TaskCommit>;
  /** Wall clock: when outbox rows become due. */
  clock: Clock;
  escalationMin: Record<TaskKind, number>;
  logger: Logger;
  newId?: () => string;
}

/** One unit of work in progress: the repos bound to its transaction and what it will publish. */
export interface UnitOfWork {
  tx: Repos;
  /** Appended to the log together, last thing before the commit (see TaskRepo.appendEvents). */
  events: PendingEvent[];
  webhooksQueued: boolean;
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/**
 * Applies rule decisions and staff actions to tasks. Everything a unit of work writes
 * (task rows, history, feed events, outbox rows, backroom changes) commits in one
 * transaction; the `committed` hook hears about events only after the commit.
 */
export class TaskService {
  /** Units of work run one at a time, so the feed hears commits in seq order and the engines see batches whole. */
  private readonly serial = pLimit(1);
  /**
   * Per store, the earliest time an open task escalates (absent: not known, look). Escalation
   * runs with every ingest; reading every open task of the store each time would cost a
   * store in an alarm storm (a thousand open faults) more than its rules.
   */
  private readonly nextEscalation = new Map<string, number>();

  constructor(private readonly ctx: TaskServiceContext) {}

  /**
   * Runs fn as one transaction after the units of work before it, then publishes the events it
   * produced. If it fails, `onRollback` runs before the next unit of work starts.
   */
  unitOfWork<T>(fn: (uow: UnitOfWork) => Promise<T>, onRollback?: () => Promise<void>): Promise<T> {
    return this.serial(async () => {
      let uow: UnitOfWork | undefined;
      let events: TaskEvent[] = [];
      let result: T;
      try {
        result = await this.ctx.storage.transaction(async (tx) => {
          uow = { tx, events: [], webhooksQueued: false };
          const r = await fn(uow);
          events = await tx.tasks.appendEvents(uow.events);
          return r;
        });
      } catch (err) {
        // What the rolled-back work escalated did not happen: look again next time.
        this.nextEscalation.clear();
        try {
          await onRollback?.();
        } catch (rollbackErr) {
          this.ctx.logger.error({ err: rollbackErr }, 'after a failed unit of work, restoring in-memory state failed');
        }
        throw err;
      }
      if (uow && (events.length > 0 || uow.webhooksQueued)) this.ctx.committed.emit({ events, webhooksQueued: uow.webhooksQueued });
      return result;
    });
  }

  /** Runs fn between units of work (e.g. rebuilding a store's rule engine). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial(fn);
  }

  /** Inside a unit of work. */
  async applyDecisions(uow: UnitOfWork, decisions: RuleDecision[]): Promise<void> {
    for (const d of decisions) {
      switch (d.type) {
        case 'assert':
          await this.assert(uow, d.condition, d.at);
          break;
        case 'clear': {
          const task = await uow.tx.tasks.active(d.storeId, d.kind, d.locationKey);
          if (task) await this.commit(uow, resolve(task, d.at, d.reason));
          break;
        }
        case 'restock':
          await uow.tx.catalog.adjustBackroom(d.storeId, d.sku, -d.units);
          break;
        case 'replenish':
          await this.enqueueReplenishment(uow, d);
          break;
      }
    }
  }

  /** Raises a task for the condition or updates the active one (one per kind + location). */
  async assert(uow: UnitOfWork, condition: Condition, at: number): Promise<string> {
    const current = await uow.tx.tasks.active(condition.storeId, condition.kind, condition.locationKey);
    if (current) {
      const byRules = (await uow.tx.tasks.history(current.id)).filter((h) => h.by === SYSTEM && (h.action === 'raised' || h.action === 'updated'));
      await this.commit(uow, reassert(current, condition, at, byRules[byRules.length - 1]?.at ?? current.raisedAt));
      return current.id;
    }
    const t = raise(condition, at, this.newId());
    await uow.tx.tasks.insert(t.task);
    await this.record(uow, t);
    return t.task.id;
  }

  /** Inside a unit of work: escalates every open task of the store that has waited too long. */
  async escalate(uow: UnitOfWork, storeId: string, now: number): Promise<void> {
    if (now < (this.nextEscalation.get(storeId) ?? Number.NEGATIVE_INFINITY)) return;
    let next = Number.POSITIVE_INFINITY;
    for (const task of await uow.tx.tasks.unacknowledged(storeId)) {
      const minutes = this.ctx.escalationMin[task.kind];
      const t = escalateIfDue(task, now, minutes);
      await this.commit(uow, t);
      next = Math.min(next, nextEscalationAt(t?.task ?? task, minutes));
    }
    this.nextEscalation.set(storeId, next);
  }

  acknowledge(id: string, by: string, at: number): Promise<TaskWithHistory> {
    return this.unitOfWork(async (uow) => {
      const task = await requireTask(uow.tx, id);
      await this.commit(uow, acknowledge(task, at, by));
      return withHistory(uow.tx, id);
    });
  }

  complete(id: string, by: string, at: number, note: string | undefined): Promise<TaskWithHistory> {
    return this.unitOfWork(async (uow) => {
      const task = await requireTask(uow.tx, id);
      await this.commit(uow, complete(task, at, by, note));
      if (task.kind === 'delivery_receive') await this.receiveDelivery(uow, id, at);
      return withHistory(uow.tx, id);
    });
  }

  withHistory(id: string): Promise<TaskWithHistory> {
    return withHistory(this.ctx.storage, id);
  }

  /** The goods of a delivery reach the backroom when staff mark its receive task done. */
  private async receiveDelivery(uow: UnitOfWork, taskId: string, at: number): Promise<void> {
    const delivery = await uow.tx.deliveries.byTask(taskId);
    if (!delivery || delivery.receivedAt !== null) return;
    for (const line of delivery.lines) await uow.tx.catalog.adjustBackroom(delivery.storeId, line.sku, line.quantity);
    await uow.tx.deliveries.markReceived(delivery.supplierId, delivery.deliveryId, at);
  }

  private async enqueueReplenishment(uow: UnitOfWork, d: Extract<RuleDecision, { type: 'replenish' }>): Promise<void> {
    const requestId = `rr_${randomUUID()}`;
    const body: ReplenishmentRequested = {
      type: 'replenishment.requested',
      timestamp: new Date(d.at).toISOString(),
      data: { requestId, storeId: d.storeId, supplierId: d.supplierId, lines: d.lines, reason: d.reason },
    };
    const now = this.ctx.clock.now();
    // The webhook-id is fixed here, once: every retry carries the same id, so receivers deduplicate.
    await uow.tx.outbox.enqueue({
      id: `msg_${requestId}`,
      supplierId: d.supplierId,
      storeId: d.storeId,
      eventType: body.type,
      payload: JSON.stringify(body),
      createdAt: now,
      nextAttemptAt: now,
    });
    uow.webhooksQueued = true;
    this.ctx.logger.info({ storeId: d.storeId, supplierId: d.supplierId, requestId, lines: d.lines.length }, 'replenishment requested');
  }

  private async commit(uow: UnitOfWork, t: Transition | null): Promise<void> {
    if (!t) return;
    const expected = t.task.version - 1;
    if (!(await uow.tx.tasks.update(t.task, expected))) {
      throw new Error(`task ${t.task.id} changed concurrently (expected version ${expected})`);
    }
    await this.record(uow, t);
  }

  /** A task is open (here, or through another replica: a delivery confirmed there): it may escalate sooner than known. */
  noteOpen(task: Task): void {
    const due = this.nextEscalation.get(task.storeId);
    if (task.status === 'open' && due !== undefined) this.nextEscalation.set(task.storeId, Math.min(due, nextEscalationAt(task, this.ctx.escalationMin[task.kind])));
  }

  private async record(uow: UnitOfWork, t: Transition): Promise<void> {
    this.noteOpen(t.task);
    await uow.tx.tasks.appendHistory(t.task.id, t.history);
    uow.events.push({ type: t.event, task: t.task });
  }

  private newId(): string {
    return this.ctx.newId ? this.ctx.newId() : `task_${randomUUID()}`;
  }
}

async function requireTask(repos: Repos, id: string) {
  const task = await repos.tasks.get(id);
  if (!task) throw new NotFoundError(`no task '${id}'`);
  return task;
}

async function withHistory(repos: Repos, id: string): Promise<TaskWithHistory> {
  const task = await requireTask(repos, id);
  return { ...task, history: await repos.tasks.history(id) };
}
