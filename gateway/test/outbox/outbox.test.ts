import { makeTempDir, type TempDir } from '@shelfwatch/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxFullError } from '../../src/errors.js';
import { AppendQueue } from '../../src/outbox/append-queue.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { probeReading } from '../fixtures/readings.js';

let dir: TempDir;
let now = 1000;
const clock = { now: () => now };

function open(sinks = ['influx', 'backend']): Outbox {
  const o = new Outbox({ path: `${dir.path}/outbox.db`, sinks, clock });
  o.open();
  return o;
}

beforeEach(async () => {
  dir = await makeTempDir('outbox-unit');
});
afterEach(async () => {
  await dir.remove();
});

describe('Outbox', () => {
  it('keeps one cursor per sink, and compacts only what every sink has delivered', () => {
    const o = open();
    o.append([[probeReading(1), probeReading(2)], [probeReading(3)]]);
    expect(o.pending('influx')).toBe(3);
    expect(o.readAfter(0, 10).map((r) => r.reading.id)).toEqual(['probe-1:1', 'probe-1:2', 'probe-1:3']);
    o.commit('influx', 3);
    expect(o.pending('influx')).toBe(0);
    expect(o.compact()).toBe(0);
    o.commit('backend', 2);
    expect(o.compact()).toBe(2);
    expect(o.stored()).toBe(1);
    expect(o.readAfter(0, 10).map((r) => r.seq)).toEqual([3]);
    o.close();
  });

  it('survives reopening: rows, cursors and sequence numbers persist', () => {
    const o = open();
    o.append([[probeReading(1), probeReading(2)]]);
    o.commit('influx', 2);
    o.commit('backend', 2);
    o.compact();
    o.append([[probeReading(3)]]);
    o.close();
    const again = open();
    expect(again.cursor('influx')).toBe(2);
    expect(again.pending('backend')).toBe(1);
    expect(again.append([[probeReading(4)]])).toBe(4);
    expect(again.readAfter(2, 10).map((r) => r.reading.id)).toEqual(['probe-1:3', 'probe-1:4']);
    again.close();
  });

  it('a sink added later starts at what is still stored', () => {
    const o = open(['influx']);
    o.append([[probeReading(1), probeReading(2)]]);
    o.commit('influx', 1);
    o.compact();
    o.close();
    const again = open(['influx', 'backend']);
    expect(again.pending('backend')).toBe(1);
    again.close();
  });

  it('reports the age of the oldest undelivered reading', () => {
    const o = open();
    now = 5000;
    o.append([[probeReading(1)]]);
    now = 9000;
    o.append([[probeReading(2)]]);
    expect(o.oldestPendingAt('influx')).toBe(5000);
    o.commit('influx', 1);
    expect(o.oldestPendingAt('influx')).toBe(9000);
    o.commit('influx', 2);
    expect(o.oldestPendingAt('influx')).toBeNull();
    o.close();
  });
});

describe('AppendQueue', () => {
  it('commits appends from one turn of the event loop in one transaction and resolves after commit', async () => {
    const o = open();
    const q = new AppendQueue({ outbox: o, maxPending: 100 });
    const commits: number[] = [];
    q.on('appended', (seq) => commits.push(seq));
    await Promise.all([q.append([probeReading(1)]), q.append([probeReading(2), probeReading(3)]), q.append([probeReading(4)])]);
    expect(commits).toEqual([4]);
    expect(o.pending('influx')).toBe(4);
    o.close();
  });

  it('refuses appends beyond the bound with OutboxFullError and stores nothing of them', async () => {
    const o = open();
    const q = new AppendQueue({ outbox: o, maxPending: 3 });
    await q.append([probeReading(1), probeReading(2)]);
    await expect(q.append([probeReading(3), probeReading(4)])).rejects.toBeInstanceOf(OutboxFullError);
    expect(q.isFull()).toBe(false);
    await q.append([probeReading(3)]);
    expect(q.isFull()).toBe(true);
    expect(o.stored()).toBe(3);
    o.commit('influx', 3);
    o.commit('backend', 3);
    o.compact();
    expect(q.isFull()).toBe(false);
    o.close();
  });
});
