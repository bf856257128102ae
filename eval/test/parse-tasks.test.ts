import type { TaskEvent } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { parseTasks, tasksFromEvents } from '../src/parse-tasks.js';
import { at, task } from './fixtures.js';

describe('parseTasks', () => {
  it('accepts an array or the { tasks } body, with or without history', () => {
    const withHistory = task('out_of_stock', 'slot:a1-s1-1', 5);
    const { history: _history, ...plain } = task('spoilage', 'case:case-deli', 9);
    expect(parseTasks([withHistory, plain])).toEqual([withHistory, plain]);
    expect(parseTasks({ tasks: [plain] })).toEqual([plain]);
  });

  it('throws naming the bad field', () => {
    const bad = { ...task('out_of_stock', 'slot:a1-s1-1', 5), kind: 'fire' };
    expect(() => parseTasks([bad])).toThrow(/invalid task list/);
    expect(() => parseTasks({ nope: 1 })).toThrow(/invalid task list/);
  });
});

describe('tasksFromEvents', () => {
  it('keeps the latest version of each task', () => {
    const { history: _h, ...raised } = task('out_of_stock', 'slot:a1-s1-1', 5);
    const resolved = { ...raised, status: 'resolved' as const, closedAt: at(30), version: 2 };
    const { history: _h2, ...other } = task('low_stock', 'slot:a1-s1-2', 7);
    const events: TaskEvent[] = [
      { seq: 1, type: 'raised', task: raised },
      { seq: 2, type: 'raised', task: other },
      { seq: 3, type: 'resolved', task: resolved },
      // A replayed old event (reconnect with Last-Event-ID) must not roll the task back.
      { seq: 1, type: 'raised', task: raised },
    ];
    const tasks = tasksFromEvents(events);
    expect(tasks).toHaveLength(2);
    expect(tasks.find((t) => t.id === raised.id)?.closedAt).toBe(at(30));
  });
});
