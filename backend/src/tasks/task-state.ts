import type { Task, TaskEventType, TaskKind } from '@shelfwatch/contracts';
import type { Condition } from '../rules/types.js';
import type { HistoryEntry } from '../storage/ports.js';

/**
 * The task state machine, pure: every function takes the current task and event time and
 * returns the next task, the history entry to append and the feed event to publish (or
 * null when nothing changes). Storage and the feed live in TaskService.
 *
 *   (none) --assert--> open --ack--> acknowledged --done--> done
 *     open/acknowledged --clear--> resolved      open --done--> done
 *     open --no ack within the kind's time--> open (escalationLevel + 1)
 */
export interface Transition {
  task: Task;
  history: HistoryEntry;
  event: TaskEventType;
}

export class TaskStateError extends Error {
  override name = 'TaskStateError';
}

export const SYSTEM = 'system';

/** Minutes an open task may wait for an acknowledgement before it escalates (per level). */
export const DEFAULT_ESCALATION_MIN: Record<TaskKind, number> = {
  temperature_excursion: 15,
  spoilage: 10,
  sensor_fault: 60,
  out_of_stock: 30,
  low_stock: 120,
  verify_stock: 120,
  planogram_violation: 240,
  delivery_receive: 60,
  // Hours ahead of the product limit: time to call the technician, not minutes.
  refrigeration_maintenance: 120,
};

/** Changes of wording alone (e.g. "above 5 °C for 47 min" → "48 min") update a task at most this often. */
export const MIN_REWORD_INTERVAL_MS = 5 * 60_000;

const active = (t: Task) => t.status === 'open' || t.status === 'acknowledged';

export function raise(condition: Condition, at: number, id: string): Transition {
  const task: Task = {
    id,
    storeId: condition.storeId,
    kind: condition.kind,
    severity: condition.severity,
    status: 'open',
    location: condition.location,
    locationKey: condition.locationKey,
    title: condition.title,
    action: condition.action,
    reason: condition.reason,
    evidence: condition.evidence,
    products: condition.products,
    raisedAt: at,
    updatedAt: at,
    acknowledgedAt: null,
    acknowledgedBy: null,
    closedAt: null,
    closedBy: null,
    note: null,
    escalationLevel: 0,
    version: 1,
  };
  return { task, history: { at, by: SYSTEM, action: 'raised', text: condition.reason }, event: 'raised' };
}

/**
 * A repeated assert for an active task. Severity, title or action changes are news at
 * once; new wording or evidence only MIN_REWORD_INTERVAL_MS after the rules last raised or
 * updated it (`lastRuleAt`, event time; not after an acknowledgement or an escalation, which
 * follow people and the wall clock), so a rule that re-asserts on every reading does not flood
 * the feed and the same readings always give the same updates.
 */
export function reassert(task: Task, condition: Condition, at: number, lastRuleAt: number = task.updatedAt): Transition | null {
  if (!active(task)) throw new TaskStateError(`task ${task.id} is ${task.status}; a new assert raises a new task`);
  const material = condition.severity !== task.severity || condition.title !== task.title || condition.action !== task.action;
  const reworded =
    condition.reason !== task.reason ||
    JSON.stringify(condition.evidence) !== JSON.stringify(task.evidence) ||
    JSON.stringify(condition.products) !== JSON.stringify(task.products);
  if (!material && !(reworded && at - lastRuleAt >= MIN_REWORD_INTERVAL_MS)) return null;
  const next: Task = {
    ...task,
    severity: condition.severity,
    title: condition.title,
    action: condition.action,
    reason: condition.reason,
    evidence: condition.evidence,
    products: condition.products,
    location: condition.location,
    updatedAt: Math.max(task.updatedAt, at),
    version: task.version + 1,
  };
  const text = condition.severity !== task.severity ? `severity ${task.severity} → ${condition.severity}: ${condition.reason}` : condition.reason;
  return { task: next, history: { at, by: SYSTEM, action: 'updated', text }, event: 'updated' };
}

/** The condition cleared by itself: auto-resolve. Null if the task is no longer active. */
export function resolve(task: Task, at: number, reason: string): Transition | null {
  if (!active(task)) return null;
  const next: Task = { ...task, status: 'resolved', closedAt: at, closedBy: SYSTEM, updatedAt: Math.max(task.updatedAt, at), version: task.version + 1 };
  return { task: next, history: { at, by: SYSTEM, action: 'resolved', text: reason }, event: 'resolved' };
}

/** Acknowledge: null when already acknowledged (idempotent for a double tap). */
export function acknowledge(task: Task, at: number, by: string): Transition | null {
  if (task.status === 'acknowledged') return null;
  if (task.status !== 'open') throw new TaskStateError(`task ${task.id} is ${task.status} and cannot be acknowledged`);
  const next: Task = { ...task, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by, updatedAt: Math.max(task.updatedAt, at), version: task.version + 1 };
  return { task: next, history: { at, by, action: 'acknowledged', text: `acknowledged by ${by}` }, event: 'acknowledged' };
}

export function complete(task: Task, at: number, by: string, note: string | undefined): Transition {
  if (!active(task)) throw new TaskStateError(`task ${task.id} is ${task.status} and cannot be marked done`);
  const next: Task = {
    ...task,
    status: 'done',
    // Done without a separate ack still says who took it on.
    acknowledgedAt: task.acknowledgedAt ?? at,
    acknowledgedBy: task.acknowledgedBy ?? by,
    closedAt: at,
    closedBy: by,
    note: note ?? null,
    updatedAt: Math.max(task.updatedAt, at),
    version: task.version + 1,
  };
  const text = note ? `done by ${by}: ${note}` : `done by ${by}`;
  return { task: next, history: { at, by, action: 'done', text }, event: 'done' };
}

/**
 * Escalates an open task that has waited `minutes` per level without an ack: level n is
 * reached at raisedAt + n × minutes. The level is computed from the time waited, so a
 * long silence or a jump in event time is one transition to the level now due, never one
 * per level in between. Null when not due (or not open).
 */
/** When an open task that stays unacknowledged reaches its next escalation level. */
export function nextEscalationAt(task: Task, minutes: number): number {
  return task.raisedAt + (task.escalationLevel + 1) * minutes * 60_000;
}

export function escalateIfDue(task: Task, now: number, minutes: number): Transition | null {
  if (task.status !== 'open') return null;
  const level = Math.floor((now - task.raisedAt) / (minutes * 60_000));
  if (level <= task.escalationLevel) return null;
  const next: Task = { ...task, escalationLevel: level, updatedAt: Math.max(task.updatedAt, now), version: task.version + 1 };
  const waited = Math.round((now - task.raisedAt) / 60_000);
  return {
    task: next,
    history: { at: now, by: SYSTEM, action: 'escalated', text: `not acknowledged after ${waited} min: escalated to level ${level}` },
    event: 'escalated',
  };
}
