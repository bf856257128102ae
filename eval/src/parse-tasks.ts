import { Task, TaskWithHistory, type TaskEvent } from '@shelfwatch/contracts';
import { z } from 'zod';

// Task is strict, so a task with its history must be tried as TaskWithHistory first.
const AnyTask = z.union([TaskWithHistory, Task]);
const TaskList = z.union([z.array(AnyTask), z.object({ tasks: z.array(AnyTask) }).transform((b) => b.tasks)]);

/**
 * Validates tasks fetched from the backend: an array, or the `{ tasks }` body of
 * GET /api/v1/tasks, with or without history. Throws naming the first bad field.
 */
export function parseTasks(json: unknown): Task[] {
  const parsed = TaskList.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`invalid task list at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'} (${parsed.error.issues.length} issue(s))`);
}

/**
 * The latest state of every task seen on the SSE feed (GET /api/v1/alerts/stream). The task
 * list endpoint caps at 5,000 tasks; a simulated week of a large store raises more, so the
 * feed is the complete record. Later versions replace earlier ones (closedAt arrives late).
 */
export function tasksFromEvents(events: Iterable<TaskEvent>): Task[] {
  const latest = new Map<string, { seq: number; task: Task }>();
  for (const e of events) {
    const prior = latest.get(e.task.id);
    if (!prior || e.task.version > prior.task.version || (e.task.version === prior.task.version && e.seq > prior.seq)) {
      latest.set(e.task.id, { seq: e.seq, task: e.task });
    }
  }
  return [...latest.values()].map((v) => v.task);
}
