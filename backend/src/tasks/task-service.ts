import { randomUUID } from 'node:crypto';
import type { ReplenishmentRequested, TaskEvent, TaskKind, TaskWithHistory } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import type { Clock, Listeners } from '@shelfwatch/service-kit';
import type { Condition, RuleDecision } from '../rules/types.js';
import type { Storage } from '../storage/ports.js';
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

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/**
 * Applies rule decisions and staff actions to tasks. Everything a unit of work writes
 * (task rows, history, feed events, outbox rows, backroom changes) commits in one
 * transaction; the `committed` hook hears about events only after the commit.
 */
export class TaskService {
  private pending: TaskEvent[] = [];
  private outboxTouched = false;
  /**
   * Per store, the earliest time an open task escalates (absent: not known, look). Escalation
   * runs with every ingest; reading every open task of the store each time would cost a
   * store in an alarm storm (a thousand open faults) more than its rules.
   */
  private readonly nextEscalation = new Map<string, number>();

  constructor(private readonly ctx: TaskServiceContext) {}

  /** Runs fn as one transaction, then publishes the events it produced. */
  unitOfWork<T>(fn: () => T): T {
    this.pending = [];
    this.outboxTouched = false;
    let result: T;
    try {
      result = this.ctx.storage.transaction(fn);
    } catch (err) {
      this.pending = [];
      // What the rolled-back work escalated did not happen: look again next time.
      this.nextEscalation.clear();
      throw err;
    }
    const events = this.pending;
    this.pending = [];
    if (events.length > 0 || this.outboxTouched) this.ctx.committed.emit({ events, webhooksQueued: this.outboxTouched });
    return result;
  }

  /** Inside a unit of work. */
  applyDecisions(decisions: RuleDecision[]): void {
    for (const d of decisions) {
      switch (d.type) {
        case 'assert':
          this.assert(d.condition, d.at);
          break;
        case 'clear': {
          const task = this.ctx.storage.tasks.active(d.storeId, d.kind, d.locationKey);
          if (task) this.commit(resolve(task, d.at, d.reason));
          break;
        }
        case 'restock':
          this.ctx.storage.catalog.adjustBackroom(d.storeId, d.sku, -d.units);
          break;
        case 'replenish':
          this.enqueueReplenishment(d);
          break;
      }
    }
  }

  /** Raises a task for the condition or updates the active one (one per kind + location). */
  assert(condition: Condition, at: number): string {
    const current = this.ctx.storage.tasks.active(condition.storeId, condition.kind, condition.locationKey);
    if (current) {
      const byRules = this.ctx.storage.tasks.history(current.id).filter((h) => h.by === SYSTEM && (h.action === 'raised' || h.action === 'updated'));
      this.commit(reassert(current, condition, at, byRules[byRules.length - 1]?.at ?? current.raisedAt));
      return current.id;
    }
    const t = raise(condition, at, this.newId());
    this.ctx.storage.tasks.insert(t.task);
    this.record(t);
    return t.task.id;
  }

  /** Inside a unit of work: escalates every open task of the store that has waited too long. */
  escalate(storeId: string, now: number): void {
    if (now < (this.nextEscalation.get(storeId) ?? Number.NEGATIVE_INFINITY)) return;
    let next = Number.POSITIVE_INFINITY;
    for (const task of this.ctx.storage.tasks.unacknowledged(storeId)) {
      const minutes = this.ctx.escalationMin[task.kind];
      const t = escalateIfDue(task, now, minutes);
      this.commit(t);
      next = Math.min(next, nextEscalationAt(t?.task ?? task, minutes));
    }
    this.nextEscalation.set(storeId, next);
  }

  acknowledge(id: string, by: string, at: number): TaskWithHistory {
    return this.unitOfWork(() => {
      const task = this.require(id);
      this.commit(acknowledge(task, at, by));
      return this.withHistory(id);
    });
  }

  complete(id: string, by: string, at: number, note: string | undefined): TaskWithHistory {
    return this.unitOfWork(() => {
      const task = this.require(id);
      const t = complete(task, at, by, note);
      this.commit(t);
      if (task.kind === 'delivery_receive') this.receiveDelivery(id, at);
      return this.withHistory(id);
    });
  }

  withHistory(id: string): TaskWithHistory {
    const task = this.require(id);
    return { ...task, history: this.ctx.storage.tasks.history(id) };
  }

  private require(id: string) {
    const task = this.ctx.storage.tasks.get(id);
    if (!task) throw new NotFoundError(`no task '${id}'`);
    return task;
  }

  /** The goods of a delivery reach the backroom when staff mark its receive task done. */
  private receiveDelivery(taskId: string, at: number): void {
    const delivery = this.ctx.storage.deliveries.byTask(taskId);
    if (!delivery || delivery.receivedAt !== null) return;
    for (const line of delivery.lines) this.ctx.storage.catalog.adjustBackroom(delivery.storeId, line.sku, line.quantity);
    this.ctx.storage.deliveries.markReceived(delivery.supplierId, delivery.deliveryId, at);
  }

  private enqueueReplenishment(d: Extract<RuleDecision, { type: 'replenish' }>): void {
    const requestId = `rr_${randomUUID()}`;
    const body: ReplenishmentRequested = {
      type: 'replenishment.requested',
      timestamp: new Date(d.at).toISOString(),
      data: { requestId, storeId: d.storeId, supplierId: d.supplierId, lines: d.lines, reason: d.reason },
    };
    const now = this.ctx.clock.now();
    // The webhook-id is fixed here, once: every retry carries the same id, so receivers deduplicate.
    this.ctx.storage.outbox.enqueue({
      id: `msg_${requestId}`,
      supplierId: d.supplierId,
      storeId: d.storeId,
      eventType: body.type,
      payload: JSON.stringify(body),
      createdAt: now,
      nextAttemptAt: now,
    });
    this.outboxTouched = true;
    this.ctx.logger.info({ storeId: d.storeId, supplierId: d.supplierId, requestId, lines: d.lines.length }, 'replenishment requested');
  }

  private commit(t: Transition | null): void {
    if (!t) return;
    const expected = t.task.version - 1;
    if (!this.ctx.storage.tasks.update(t.task, expected)) {
      throw new Error(`task ${t.task.id} changed concurrently (expected version ${expected})`);
    }
    this.record(t);
  }

  private record(t: Transition): void {
    const due = this.nextEscalation.get(t.task.storeId);
    if (t.task.status === 'open' && due !== undefined) {
      this.nextEscalation.set(t.task.storeId, Math.min(due, nextEscalationAt(t.task, this.ctx.escalationMin[t.task.kind])));
    }
    this.ctx.storage.tasks.appendHistory(t.task.id, t.history);
    this.pending.push(this.ctx.storage.tasks.appendEvent(t.event, t.task));
  }

  private newId(): string {
    return this.ctx.newId ? this.ctx.newId() : `task_${randomUUID()}`;
  }
}
