import type { Task, TaskEvent } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, applySnapshot, applyTask, compareUrgency, countByKind, emptyFeed, feedNow, visibleTasks } from '../src/feed-model.js';

const T0 = 1_800_000_000_000;

function task(id: string, over: Partial<Task> = {}): Task {
  return {
    id,
    storeId: 's1',
    kind: 'out_of_stock',
    severity: 'warning',
    status: 'open',
    location: { label: `slot ${id}` },
    locationKey: `slot:${id}`,
    title: 'Out of stock',
    action: 'Restock',
    reason: 'empty',
    evidence: [],
    products: [],
    raisedAt: T0,
    updatedAt: T0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    closedAt: null,
    closedBy: null,
    note: null,
    escalationLevel: 0,
    version: 1,
    ...over,
  };
}

const ev = (seq: number, t: Task, type: TaskEvent['type'] = 'raised'): TaskEvent => ({ seq, type, task: t });

describe('feed model', () => {
  it('applies events by version: an older copy never overwrites a newer one', () => {
    let s = applyEvent(emptyFeed, ev(1, task('a')));
    s = applyEvent(s, ev(3, task('a', { status: 'acknowledged', version: 3 }), 'acknowledged'));
    s = applyEvent(s, ev(2, task('a', { version: 2, title: 'stale' }), 'updated'));
    expect(s.tasks.get('a')?.status).toBe('acknowledged');
    expect(s.tasks.get('a')?.title).toBe('Out of stock');
    expect(s.lastSeq).toBe(3);
  });

  it('hides closed tasks but keeps them as tombstones so a late snapshot cannot resurrect them', () => {
    let s = applyEvent(emptyFeed, ev(1, task('a')));
    s = applyEvent(s, ev(2, task('a', { status: 'done', version: 2 }), 'done'));
    expect(visibleTasks(s, null)).toEqual([]);
    s = applySnapshot(s, [task('a', { version: 1 })], new Set());
    expect(visibleTasks(s, null)).toEqual([]);
  });

  it('a snapshot drops active tasks it no longer lists, except ones the stream delivered meanwhile', () => {
    let s = applyEvent(emptyFeed, ev(1, task('gone')));
    s = applyEvent(s, ev(2, task('fresh')));
    s = applySnapshot(s, [task('other')], new Set(['fresh']));
    expect(visibleTasks(s, null).map((t) => t.id).sort()).toEqual(['fresh', 'other']);
  });

  it('applies a server answer only when newer', () => {
    const s = applyEvent(emptyFeed, ev(1, task('a', { version: 2, status: 'acknowledged' })));
    expect(applyTask(s, task('a', { version: 1 }))).toBe(s);
    expect(applyTask(s, task('a', { version: 3, status: 'done' })).tasks.get('a')?.status).toBe('done');
  });

  it('orders open before acknowledged, then critical before warning before info, then escalation, then newest', () => {
    const list = [
      task('ack-crit', { status: 'acknowledged', severity: 'critical' }),
      task('info-new', { severity: 'info', raisedAt: T0 + 9 }),
      task('warn-old', { severity: 'warning', raisedAt: T0 }),
      task('warn-new', { severity: 'warning', raisedAt: T0 + 5 }),
      task('warn-esc', { severity: 'warning', raisedAt: T0, escalationLevel: 2 }),
      task('crit', { severity: 'critical', raisedAt: T0 }),
    ];
    expect([...list].sort(compareUrgency).map((t) => t.id)).toEqual(['crit', 'warn-esc', 'warn-new', 'warn-old', 'info-new', 'ack-crit']);
  });

  it('filters by kind and counts active tasks per kind', () => {
    let s = emptyFeed;
    s = applyEvent(s, ev(1, task('a', { kind: 'temperature_excursion' })));
    s = applyEvent(s, ev(2, task('b')));
    s = applyEvent(s, ev(3, task('c', { status: 'resolved' })));
    expect(visibleTasks(s, new Set(['temperature_excursion'])).map((t) => t.id)).toEqual(['a']);
    expect(Object.fromEntries(countByKind(s))).toEqual({ temperature_excursion: 1, out_of_stock: 1 });
  });

  it('uses the newest event time as now when event time runs ahead of the wall clock', () => {
    const s = applyEvent(emptyFeed, ev(1, task('a', { updatedAt: T0 + 3_600_000 })));
    expect(feedNow(s, T0)).toBe(T0 + 3_600_000);
    expect(feedNow(s, T0 + 7_200_000)).toBe(T0 + 7_200_000);
  });
});
