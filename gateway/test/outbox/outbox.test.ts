import Database from 'better-sqlite3';
import fc from 'fast-check';
import { makeTempDir, probeReading, type TempDir } from '@shelfwatch/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxFullError } from '../../src/errors.js';
import { AppendQueue } from '../../src/outbox/append-queue.js';
import { openOutboxDatabase } from '../../src/outbox/outbox-database.js';
import { Outbox, type OutboxOptions } from '../../src/outbox/outbox.js';
import type { Reading } from '@shelfwatch/contracts';

let dir: TempDir;
let now = 1000;
const clock = { now: () => now };
const opened: Outbox[] = [];

async function open(sinks = ['influx', 'backend'], options: Partial<OutboxOptions> = {}): Promise<Outbox> {
  const o = new Outbox({ path: `${dir.path}/outbox.db`, sinks, clock, ...options });
  await o.open();
  opened.push(o);
  return o;
}

/** What another process would find in the file right now (a fresh connection). */
function fileRows(): { seq: number; id: string }[] {
  const db = new Database(`${dir.path}/outbox.db`, { readonly: true });
  try {
    return db.prepare('SELECT seq, id FROM readings ORDER BY seq').all() as { seq: number; id: string }[];
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = await makeTempDir('outbox-unit');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
  await dir.remove();
});

// Every open starts the writer thread (through tsx's loader here): seconds on a busy machine.
describe('Outbox', { timeout: 30_000 }, () => {
  it('opens its file with WAL and synchronous=FULL (a commit is fsynced before it returns)', () => {
    const db = openOutboxDatabase(`${dir.path}/outbox.db`);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('resolves an append only once another connection finds its rows in the file', async () => {
    const o = await open();
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), async (turns) => {
        for (const sizes of turns) {
          // Appends of one turn go to the writer together; each must be on disk when it resolves.
          const appends = sizes.map((n) => {
            const readings = Array.from({ length: n }, () => probeReading(++seq));
            return o.append([readings]).then((lastSeq) => {
              const rows = fileRows();
              expect(rows.at(-1)?.seq ?? 0).toBeGreaterThanOrEqual(lastSeq);
              for (const r of readings) expect(rows.some((row) => row.id === r.id)).toBe(true);
            });
          });
          await Promise.all(appends);
        }
        expect(o.last).toBe(seq);
        expect(fileRows().length).toBe(seq);
      }),
      { seed: 13, numRuns: 10 },
    );
  });

  it('keeps one cursor per sink, and deletes only what every sink has delivered', async () => {
    const o = await open();
    await o.append([[probeReading(1), probeReading(2)], [probeReading(3)]]);
    expect(o.pending('influx')).toBe(3);
    expect(o.readAfter(0, 10).map((r) => r.reading.id)).toEqual(['probe-1:1', 'probe-1:2', 'probe-1:3']);
    o.commit('influx', 3);
    expect(o.pending('influx')).toBe(0);
    await o.close();
    expect(fileRows().map((r) => r.seq)).toEqual([1, 2, 3]);
    const again = await open();
    expect(again.cursor('influx')).toBe(3);
    again.commit('backend', 2);
    expect(again.stored()).toBe(1);
    await again.close();
    expect(fileRows().map((r) => r.seq)).toEqual([3]);
    const third = await open();
    expect(third.readAfter(0, 10).map((r) => r.seq)).toEqual([3]);
  });

  it('survives reopening: rows, cursors and sequence numbers persist', async () => {
    const o = await open();
    await o.append([[probeReading(1), probeReading(2)]]);
    o.commit('influx', 2);
    o.commit('backend', 2);
    await o.append([[probeReading(3)]]);
    await o.close();
    const again = await open();
    expect(again.cursor('influx')).toBe(2);
    expect(again.pending('backend')).toBe(1);
    expect(await again.append([[probeReading(4)]])).toBe(4);
    expect(again.readAfter(2, 10).map((r) => r.reading.id)).toEqual(['probe-1:3', 'probe-1:4']);
  });

  it('remembers the newest device event time stored before it was opened, statuses aside, after its rows were delivered and deleted', async () => {
    const o = await open();
    expect(o.newestDataTsBeforeOpen).toBeNull();
    await o.append([[probeReading(1, 5_000), probeReading(2, 9_000)], [probeReading(3, 7_000)]]);
    const status: Reading = { kind: 'device.status', id: 'probe-1:status:99000:0', storeId: 'store-1', deviceId: 'probe-1', ts: 99_000, deviceKind: 'probe', online: false, detail: 'lwt' };
    await o.append([[status]]);
    expect(o.newestDataTsBeforeOpen).toBeNull();
    o.commit('influx', 4);
    o.commit('backend', 4);
    await o.close();
    const again = await open();
    expect(again.stored()).toBe(0);
    expect(again.newestDataTsBeforeOpen).toBe(9_000);
    await again.append([[probeReading(4, 8_000)]]);
    await again.close();
    expect((await open()).newestDataTsBeforeOpen).toBe(9_000);
  });

  it('a sink added later starts at what is still stored', async () => {
    const o = await open(['influx']);
    await o.append([[probeReading(1), probeReading(2)]]);
    o.commit('influx', 1);
    await o.close();
    const again = await open(['influx', 'backend']);
    expect(again.pending('backend')).toBe(1);
  });

  it('serves recent rows from memory and older ones from the file, the same readings either way', async () => {
    const o = await open(['influx', 'backend'], { tailRows: 4 });
    for (let i = 1; i <= 10; i++) await o.append([[probeReading(i)]]);
    const all = o.readAfter(0, 100);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(all.map((r) => r.reading)).toEqual(Array.from({ length: 10 }, (_, i) => probeReading(i + 1)));
    expect(o.readAfter(7, 100).map((r) => r.reading)).toEqual([probeReading(8), probeReading(9), probeReading(10)]);
    expect(o.readAfter(8, 1).map((r) => r.seq)).toEqual([9]);
    // Both sinks read everything: the memory lets go, a sink starting over still gets it all.
    o.readAfter(0, 100, 'influx');
    o.readAfter(0, 100, 'backend');
    expect(o.readAfter(0, 100)).toEqual(all);
  });

  it('reports the age of the oldest undelivered reading', async () => {
    const o = await open(['influx', 'backend'], { tailRows: 1 });
    now = 5000;
    await o.append([[probeReading(1)]]);
    now = 9000;
    await o.append([[probeReading(2)]]);
    expect(o.oldestPendingAt('influx')).toBe(5000); // from the file: the memory holds one row
    o.commit('influx', 1);
    expect(o.oldestPendingAt('influx')).toBe(9000);
    o.commit('influx', 2);
    expect(o.oldestPendingAt('influx')).toBeNull();
  });

  it('keeps dead letters', async () => {
    const o = await open();
    await o.append([[probeReading(1)]]);
    o.deadLetter('backend', o.readAfter(0, 1), 'HTTP 422 refused');
    o.commit('backend', 1);
    await o.close();
    const db = new Database(`${dir.path}/outbox.db`, { readonly: true });
    expect(db.prepare('SELECT sink, seq, reading_id, error FROM dead_letters').all()).toEqual([{ sink: 'backend', seq: 1, reading_id: 'probe-1:1', error: 'HTTP 422 refused' }]);
    db.close();
  });

  it('a failed transaction refuses its appends and stores none of them; later appends continue the sequence', async () => {
    const o = await open();
    await o.append([[probeReading(1)]]);
    o.database.exec(`CREATE TRIGGER refuse BEFORE INSERT ON readings WHEN NEW.id = 'probe-1:99' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    await expect(o.append([[probeReading(2), probeReading(99)]])).rejects.toThrow(/outbox write failed: disk says no/);
    expect(o.last).toBe(1);
    expect(await o.append([[probeReading(3)]])).toBe(2);
    expect(fileRows().map((r) => r.id)).toEqual(['probe-1:1', 'probe-1:3']);
    expect(o.readAfter(0, 10).map((r) => r.reading.id)).toEqual(['probe-1:1', 'probe-1:3']);
  });
});

describe('AppendQueue', { timeout: 30_000 }, () => {
  it('hands appends from one turn of the event loop to one transaction and resolves after commit', async () => {
    const o = await open();
    const q = new AppendQueue({ outbox: o, maxPending: 100 });
    const commits: number[] = [];
    q.on('appended', (seq) => commits.push(seq));
    await Promise.all([q.append([probeReading(1)]), q.append([probeReading(2), probeReading(3)]), q.append([probeReading(4)])]);
    expect(commits).toEqual([4]);
    expect(o.pending('influx')).toBe(4);
  });

  it('refuses appends beyond the bound with OutboxFullError and stores nothing of them', async () => {
    const o = await open();
    const q = new AppendQueue({ outbox: o, maxPending: 3 });
    await q.append([probeReading(1), probeReading(2)]);
    await expect(q.append([probeReading(3), probeReading(4)])).rejects.toBeInstanceOf(OutboxFullError);
    expect(q.isFull()).toBe(false);
    await q.append([probeReading(3)]);
    expect(q.isFull()).toBe(true);
    expect(o.stored()).toBe(3);
    o.commit('influx', 3);
    o.commit('backend', 3);
    expect(q.isFull()).toBe(false);
  });

  it('counts what is being committed against the bound', async () => {
    const o = await open();
    const q = new AppendQueue({ outbox: o, maxPending: 3 });
    const first = q.append([probeReading(1), probeReading(2), probeReading(3)]);
    q.flush();
    expect(o.uncommitted).toBe(3);
    await expect(q.append([probeReading(4)])).rejects.toBeInstanceOf(OutboxFullError);
    await first;
    expect(o.uncommitted).toBe(0);
  });
});
