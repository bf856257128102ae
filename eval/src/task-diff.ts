import type { TaskWithHistory } from '@shelfwatch/contracts';

/**
 * What two runs of the same events must agree on, task by task: kind, place, when it was
 * raised, what the rules did to it and when (event time), and what it tells staff. Left
 * out, because they follow the backend's own clock or the outside world rather than the
 * readings: escalations (nobody acknowledged in wall time), tasks from the API
 * (`delivery_receive`), the backend's "no data from the store" watchdog (`gateway:`
 * keys), and anything at or after the end of the run (the devices shutting down).
 */
export interface CanonicalTask {
  kind: string;
  locationKey: string;
  raisedAt: number;
  severity: string;
  title: string;
  action: string;
  /** The rules' own history entries, in order: raise, updates (instruction changes), resolve. */
  history: { at: number; action: string; text: string }[];
}

export interface CanonicalOptions {
  /** End of the run (simulated epoch ms): tasks and history from here on are not compared. */
  untilMs: number;
}

const NOT_FROM_READINGS_KINDS = new Set(['delivery_receive']);
const WALL_CLOCK_KEY_PREFIXES = ['gateway:'];
const WALL_CLOCK_ACTIONS = new Set(['escalated']);

/** The comparable part of a task list, in a stable order. */
export function canonicalTasks(tasks: readonly TaskWithHistory[], options: CanonicalOptions): CanonicalTask[] {
  return tasks
    .filter((t) => t.raisedAt < options.untilMs && !NOT_FROM_READINGS_KINDS.has(t.kind) && !WALL_CLOCK_KEY_PREFIXES.some((p) => t.locationKey.startsWith(p)))
    .map((t) => ({
      kind: t.kind,
      locationKey: t.locationKey,
      raisedAt: t.raisedAt,
      severity: t.severity,
      title: t.title,
      action: t.action,
      history: t.history
        .filter((h) => h.by === 'system' && !WALL_CLOCK_ACTIONS.has(h.action) && h.at < options.untilMs)
        .map((h) => ({ at: h.at, action: h.action, text: h.text })),
    }))
    .sort(compareTasks);
}

function compareTasks(a: CanonicalTask, b: CanonicalTask): number {
  return a.raisedAt - b.raisedAt || a.kind.localeCompare(b.kind) || a.locationKey.localeCompare(b.locationKey);
}

export interface TaskListDiff {
  same: boolean;
  /** In the other list only (raised where the reference raised nothing at that time). */
  extra: CanonicalTask[];
  /** In the reference only. */
  missing: CanonicalTask[];
  /** Same kind, place and raise time, but a different course (history, instruction, severity). */
  changed: { reference: CanonicalTask; other: CanonicalTask; fields: ('severity' | 'title' | 'action' | 'history')[] }[];
  /**
   * Event-time lateness of the other list's tasks against the reference: an extra task paired
   * with the nearest missing one of the same kind and place counts other.raisedAt − reference.raisedAt;
   * the largest (0 when nothing was late, null when no task pairs up).
   */
  maxDelayS: number | null;
}

const identity = (t: CanonicalTask) => `${t.kind}|${t.locationKey}|${t.raisedAt}`;
const place = (t: CanonicalTask) => `${t.kind}|${t.locationKey}`;

/** Compares two canonical task lists (see canonicalTasks). */
export function diffTaskLists(reference: readonly CanonicalTask[], other: readonly CanonicalTask[]): TaskListDiff {
  const unmatched = new Map<string, CanonicalTask[]>();
  for (const t of reference) unmatched.set(identity(t), [...(unmatched.get(identity(t)) ?? []), t]);
  const extra: CanonicalTask[] = [];
  const changed: TaskListDiff['changed'] = [];
  let paired = 0;
  for (const t of other) {
    const candidates = unmatched.get(identity(t));
    const ref = candidates?.shift();
    if (!ref) {
      extra.push(t);
      continue;
    }
    paired++;
    const fields = (['severity', 'title', 'action', 'history'] as const).filter((f) => JSON.stringify(ref[f]) !== JSON.stringify(t[f]));
    if (fields.length > 0) changed.push({ reference: ref, other: t, fields });
  }
  const missing = [...unmatched.values()].flat().sort(compareTasks);
  // Late or early raises: the same condition at the same place, raised at another event time.
  const byPlace = new Map<string, CanonicalTask[]>();
  for (const t of missing) byPlace.set(place(t), [...(byPlace.get(place(t)) ?? []), t]);
  let maxDelayMs: number | null = paired > 0 ? 0 : null;
  for (const t of extra) {
    const candidates = byPlace.get(place(t));
    if (!candidates || candidates.length === 0) continue;
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (Math.abs(candidates[i]!.raisedAt - t.raisedAt) < Math.abs(candidates[best]!.raisedAt - t.raisedAt)) best = i;
    const [ref] = candidates.splice(best, 1);
    maxDelayMs = Math.max(maxDelayMs ?? 0, t.raisedAt - ref!.raisedAt);
  }
  return {
    same: extra.length === 0 && missing.length === 0 && changed.length === 0,
    extra,
    missing,
    changed,
    maxDelayS: maxDelayMs === null ? null : Math.round(maxDelayMs / 1000),
  };
}

/** The differences in words, at most `limit` lines, for a failing test or a log. */
export function describeTaskDiff(diff: TaskListDiff, labels: { reference: string; other: string }, limit = 20): string {
  if (diff.same) return `${labels.other}: the same tasks as ${labels.reference}`;
  const at = (ms: number) => new Date(ms).toISOString();
  const name = (t: CanonicalTask) => `${t.kind} at ${t.locationKey} raised ${at(t.raisedAt)}`;
  const lines = [
    `${labels.other} differs from ${labels.reference}: ${diff.extra.length} extra, ${diff.missing.length} missing, ${diff.changed.length} changed task(s)` +
      (diff.maxDelayS ? `, raised up to ${diff.maxDelayS} s later` : ''),
    ...diff.extra.map((t) => `  + only in ${labels.other}: ${name(t)} — ${t.title}`),
    ...diff.missing.map((t) => `  - only in ${labels.reference}: ${name(t)} — ${t.title}`),
    ...diff.changed.map(({ reference, other, fields }) => `  ~ ${name(reference)}: ${fields.map((f) => describeField(f, reference, other)).join('; ')}`),
  ];
  return [...lines.slice(0, limit + 1), ...(lines.length > limit + 1 ? [`  … ${lines.length - limit - 1} more`] : [])].join('\n');
}

function describeField(field: 'severity' | 'title' | 'action' | 'history', a: CanonicalTask, b: CanonicalTask): string {
  if (field !== 'history') return `${field} '${a[field]}' vs '${b[field]}'`;
  const i = a.history.findIndex((h, k) => JSON.stringify(h) !== JSON.stringify(b.history[k]));
  const show = (h: CanonicalTask['history'][number] | undefined) => (h ? `${h.action} ${new Date(h.at).toISOString()} "${h.text}"` : 'nothing');
  return `history entry ${i < 0 ? a.history.length : i + 1}: ${show(a.history[i < 0 ? a.history.length : i])} vs ${show(b.history[i < 0 ? a.history.length : i])}`;
}
