import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/rules/types.js';
import { acknowledge, complete, escalateIfDue, MIN_REWORD_INTERVAL_MS, raise, reassert, resolve, TaskStateError } from '../../src/tasks/task-state.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

const condition = (over: Partial<Condition> = {}): Condition => ({
  storeId: 'store-1',
  kind: 'temperature_excursion',
  locationKey: 'case:case-4',
  severity: 'warning',
  location: { caseId: 'case-4', label: 'Case 4 (dairy multideck)' },
  title: 'Case 4 too warm',
  action: 'Check the case door and the product temperature',
  reason: 'Case 4 has been above 5 °C for 20 min; not a defrost',
  evidence: [{ ts: T0, text: 'product probe 6.1 °C' }],
  products: [{ sku: 'MILK-1L', name: 'Oat milk 1 l' }],
  ...over,
});

describe('task state machine', () => {
  it('raises an open task at event time with version 1 and a history entry', () => {
    const t = raise(condition(), T0, 'task-1');
    expect(t.event).toBe('raised');
    expect(t.task).toMatchObject({ id: 'task-1', status: 'open', raisedAt: T0, updatedAt: T0, version: 1, escalationLevel: 0, acknowledgedBy: null });
    expect(t.history).toEqual({ at: T0, by: 'system', action: 'raised', text: condition().reason });
  });

  it('updates at once when severity changes, and says so in the history', () => {
    const t = raise(condition(), T0, 'task-1').task;
    const u = reassert(t, condition({ severity: 'critical' }), T0 + MIN);
    expect(u?.event).toBe('updated');
    expect(u?.task).toMatchObject({ severity: 'critical', version: 2, updatedAt: T0 + MIN, raisedAt: T0 });
    expect(u?.history.text).toContain('warning → critical');
  });

  it('ignores an identical re-assert and throttles wording-only changes', () => {
    const t = raise(condition(), T0, 'task-1').task;
    expect(reassert(t, condition(), T0 + MIN)).toBeNull();
    const reworded = condition({ reason: 'Case 4 has been above 5 °C for 21 min; not a defrost' });
    expect(reassert(t, reworded, T0 + MIN)).toBeNull();
    const later = reassert(t, reworded, T0 + MIN_REWORD_INTERVAL_MS);
    expect(later?.task.reason).toBe(reworded.reason);
    expect(later?.task.version).toBe(2);
  });

  it('acknowledges once (a double tap is a no-op) and keeps who and when', () => {
    const t = raise(condition(), T0, 'task-1').task;
    const a = acknowledge(t, T0 + 2 * MIN, 'alice');
    expect(a?.task).toMatchObject({ status: 'acknowledged', acknowledgedAt: T0 + 2 * MIN, acknowledgedBy: 'alice', version: 2 });
    expect(a && acknowledge(a.task, T0 + 3 * MIN, 'bob')).toBeNull();
  });

  it('done records the corrective-action note; a closed task cannot be acked or done again', () => {
    const t = raise(condition(), T0, 'task-1').task;
    const d = complete(t, T0 + 5 * MIN, 'alice', 'moved stock to case 5, called service');
    expect(d.task).toMatchObject({ status: 'done', closedBy: 'alice', closedAt: T0 + 5 * MIN, note: 'moved stock to case 5, called service', acknowledgedBy: 'alice' });
    expect(d.history.text).toContain('moved stock');
    expect(() => acknowledge(d.task, T0 + 6 * MIN, 'bob')).toThrow(TaskStateError);
    expect(() => complete(d.task, T0 + 6 * MIN, 'bob', undefined)).toThrow(TaskStateError);
    expect(() => reassert(d.task, condition(), T0 + 6 * MIN)).toThrow(TaskStateError);
  });

  it('auto-resolves open and acknowledged tasks, and nothing else', () => {
    const t = raise(condition(), T0, 'task-1').task;
    expect(resolve(t, T0 + MIN, 'back below 4 °C')?.task).toMatchObject({ status: 'resolved', closedBy: 'system', closedAt: T0 + MIN });
    const acked = acknowledge(t, T0, 'alice')!.task;
    expect(resolve(acked, T0 + MIN, 'cleared')?.task.status).toBe('resolved');
    const done = complete(t, T0, 'alice', undefined).task;
    expect(resolve(done, T0 + MIN, 'cleared')).toBeNull();
  });
});

describe('escalation', () => {
  const task = raise(condition(), T0, 'task-1').task;

  it('is not due before the kind time and escalates one level per elapsed period', () => {
    expect(escalateIfDue(task, T0 + 14 * MIN, 15)).toBeNull();
    const first = escalateIfDue(task, T0 + 15 * MIN, 15);
    expect(first?.event).toBe('escalated');
    expect(first?.task).toMatchObject({ escalationLevel: 1, version: 2 });
    expect(first?.history.text).toContain('15 min');
    expect(escalateIfDue(first!.task, T0 + 29 * MIN, 15)).toBeNull();
    expect(escalateIfDue(first!.task, T0 + 30 * MIN, 15)?.task.escalationLevel).toBe(2);
  });

  it('jumps straight to the level due after a long wait, in one transition', () => {
    const late = escalateIfDue(task, T0 + 100 * MIN, 15);
    expect(late?.task).toMatchObject({ escalationLevel: 6, version: 2 });
    expect(late?.history.text).toContain('escalated to level 6');
  });

  it('never escalates an acknowledged or closed task', () => {
    const acked = acknowledge(task, T0 + MIN, 'alice')!.task;
    expect(escalateIfDue(acked, T0 + 600 * MIN, 15)).toBeNull();
    expect(escalateIfDue(resolve(task, T0 + MIN, 'ok')!.task, T0 + 600 * MIN, 15)).toBeNull();
  });
});
