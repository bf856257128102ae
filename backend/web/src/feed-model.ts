import type { Task, TaskEvent, TaskKind, TaskSeverity } from '@shelfwatch/contracts';

/**
 * The feed's state, kept pure so merge and ordering rules are unit-tested without a
 * browser. Tasks arrive from two sources that can overtake each other (the SSE stream
 * and GET /tasks snapshots after a reconnect); `version` decides which copy is newer,
 * and closed tasks are kept as tombstones so a late snapshot cannot resurrect them.
 */
export interface FeedState {
  readonly tasks: ReadonlyMap<string, Task>;
  /** Highest SSE seq applied (diagnostics; the browser resumes with Last-Event-ID itself). */
  readonly lastSeq: number;
}

export const emptyFeed: FeedState = { tasks: new Map(), lastSeq: 0 };

export function isActive(task: Task): boolean {
  return task.status === 'open' || task.status === 'acknowledged';
}

function newer(current: Task | undefined, candidate: Task): boolean {
  return current === undefined || candidate.version > current.version;
}

export function applyEvent(state: FeedState, event: TaskEvent): FeedState {
  const lastSeq = Math.max(state.lastSeq, event.seq);
  if (!newer(state.tasks.get(event.task.id), event.task)) return { ...state, lastSeq };
  const tasks = new Map(state.tasks);
  tasks.set(event.task.id, event.task);
  return { tasks, lastSeq };
}

/**
 * Merges a snapshot of active tasks. An active task missing from the snapshot was closed
 * while we were away, unless the stream delivered it after the snapshot was requested
 * (`touchedSince`): then the snapshot is simply older than what we know.
 */
export function applySnapshot(state: FeedState, snapshot: readonly Task[], touchedSince: ReadonlySet<string>): FeedState {
  const tasks = new Map(state.tasks);
  const inSnapshot = new Set<string>();
  for (const task of snapshot) {
    inSnapshot.add(task.id);
    if (newer(tasks.get(task.id), task)) tasks.set(task.id, task);
  }
  for (const [id, task] of tasks) {
    if (isActive(task) && !inSnapshot.has(id) && !touchedSince.has(id)) tasks.delete(id);
  }
  return { tasks, lastSeq: state.lastSeq };
}

/** Replaces one task with the server's answer to an ack/done (if newer). */
export function applyTask(state: FeedState, task: Task): FeedState {
  if (!newer(state.tasks.get(task.id), task)) return state;
  const tasks = new Map(state.tasks);
  tasks.set(task.id, task);
  return { tasks, lastSeq: state.lastSeq };
}

const SEVERITY_RANK: Record<TaskSeverity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Most urgent first: tasks nobody has taken yet, then severity, then escalation level,
 * then newest. An acknowledged task sinks below every open one because someone owns it.
 */
export function compareUrgency(a: Task, b: Task): number {
  const taken = Number(a.status === 'acknowledged') - Number(b.status === 'acknowledged');
  if (taken !== 0) return taken;
  const severity = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (severity !== 0) return severity;
  if (a.escalationLevel !== b.escalationLevel) return b.escalationLevel - a.escalationLevel;
  if (a.raisedAt !== b.raisedAt) return b.raisedAt - a.raisedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function visibleTasks(state: FeedState, kinds: ReadonlySet<TaskKind> | null): Task[] {
  const out: Task[] = [];
  for (const task of state.tasks.values()) {
    if (isActive(task) && (kinds === null || kinds.has(task.kind))) out.push(task);
  }
  return out.sort(compareUrgency);
}

export function countByKind(state: FeedState): Map<TaskKind, number> {
  const counts = new Map<TaskKind, number>();
  for (const task of state.tasks.values()) {
    if (isActive(task)) counts.set(task.kind, (counts.get(task.kind) ?? 0) + 1);
  }
  return counts;
}

/**
 * "Now" for relative times. Event time can run ahead of the wall clock (an accelerated
 * simulation or replay stamps readings in the future), so the newest event time seen
 * stands in for now when it is later; otherwise every age would read "in 3 h".
 */
export function feedNow(state: FeedState, wallNow: number): number {
  let latest = wallNow;
  for (const task of state.tasks.values()) latest = Math.max(latest, task.updatedAt);
  return latest;
}
