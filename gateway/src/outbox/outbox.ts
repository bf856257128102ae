import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Reading } from '@shelfwatch/contracts';
import type { Clock } from '@shelfwatch/service-kit';
import { openOutboxDatabase } from './outbox-database.js';
import type { FromWriter, ToWriter, WriterInit } from './outbox-protocol.js';

export interface OutboxRow {
  seq: number;
  reading: Reading;
}

export interface OutboxOptions {
  path: string;
  /** Sinks that own a cursor; a new sink starts at the beginning of what is still stored. */
  sinks: string[];
  clock: Clock;
  /** Rows per writer transaction at most (default 5,000: about 10 ms of disk work here). */
  maxRowsPerCommit?: number;
  /** Committed readings not yet read by every sink kept in memory (default 30,000: three seconds of a large store). */
  tailRows?: number;
  /** Told once if the writer thread dies (every append is refused from then on). */
  onFailure?: (err: Error) => void;
}

interface Posted {
  readings: readonly Reading[];
  at: number;
  resolve: (lastSeq: number) => void;
  reject: (err: Error) => void;
}

/** One committed append, in memory: its readings have seqs first, first + 1, ... */
interface TailGroup {
  first: number;
  readings: readonly Reading[];
  at: number;
}

/**
 * Compiled, the writer is outbox-writer.js beside this file. Under the tests' TypeScript
 * loader it is the .ts source, which a worker thread loads through tsx's loader.
 */
function startWriter(init: WriterInit): Worker {
  // The writer only holds the rows of the transaction at hand: a small young generation keeps its heap (and RSS) small.
  const options = { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 4 } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./outbox-writer.js', import.meta.url), options);
  const source = new URL('./outbox-writer.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, { ...options, eval: true });
}

/**
 * Rows read from disk per call: a sink catching up holds the serving thread for one such
 * chunk at a time (parsing 5,000 rows takes about 25 ms here), yet drains far faster than a
 * store fills the outbox.
 */
const DISK_READ_ROWS = 5_000;

/**
 * The durable outbox, seen from the serving thread: an append-only log of readings with one
 * cursor per sink, in a SQLite file (outbox-database.ts) that only the writer thread
 * (outbox-writer.ts) writes. append() resolves once the writer's transaction is fsynced,
 * so a caller may acknowledge then and never earlier. Sinks read what was just committed
 * from memory (the tail) and only a sink that fell behind reads the file, on its own WAL
 * connection, which never waits for the writer nor makes it wait. Cursor moves are
 * persisted by the writer with its next transaction: a move lost in a crash only means
 * re-delivery, which every sink deduplicates by reading id. Rows are only ever deleted as
 * a delivered prefix, so seqs stay contiguous and pending counts are plain subtraction.
 */
export class Outbox {
  private worker: Worker | undefined;
  private reader: Database.Database | undefined;
  private statements: ReturnType<Outbox['prepare']> | undefined;
  private lastSeq = 0;
  private readonly cursors = new Map<string, number>();
  private posted: Posted[] = [];
  private postedRows = 0;
  private tail: TailGroup[] = [];
  /** Where each sink has read up to (ahead of its cursor by what it is writing). */
  private readonly readPositions = new Map<string, number>();
  private tailRows = 0;
  private cursorsScheduled = false;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private heardBefore: number | null = null;

  constructor(private readonly options: OutboxOptions) {}

  async open(): Promise<void> {
    const init: WriterInit = {
      path: this.options.path,
      sinks: this.options.sinks,
      maxRowsPerCommit: this.options.maxRowsPerCommit ?? 5_000,
      compactRowsPerCommit: 5_000,
    };
    const worker = startWriter(init);
    let ready!: (lastSeq: number, cursors: [string, number][]) => void;
    const started = new Promise<{ lastSeq: number; cursors: [string, number][] }>((resolve, reject) => {
      ready = (lastSeq, cursors) => resolve({ lastSeq, cursors });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`outbox writer exited (${code}) before it was ready`)));
    });
    worker.on('message', (m: FromWriter) => (m.t === 'ready' ? ready(m.lastSeq, m.cursors) : this.onWriter(m)));
    const { lastSeq, cursors } = await started;
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`outbox writer exited (${code})`)));
    this.worker = worker;
    this.lastSeq = lastSeq;
    for (const [sink, seq] of cursors) this.cursors.set(sink, seq);
    this.reader = openOutboxDatabase(this.options.path);
    this.statements = this.prepare(this.reader);
    const heard = this.reader.prepare('SELECT newest_ts FROM heard WHERE id = 1').get() as { newest_ts: number } | undefined;
    this.heardBefore = heard?.newest_ts ?? null;
  }

  /**
   * The newest device event time stored before this open (statuses aside: they are the
   * gateway's statements, not what a device said), even if its rows were delivered and
   * deleted since; null for a new outbox.
   */
  get newestDataTsBeforeOpen(): number | null {
    return this.heardBefore;
  }

  private prepare(db: Database.Database) {
    return {
      readAfter: db.prepare('SELECT seq, body FROM readings WHERE seq > ? ORDER BY seq LIMIT ?'),
      oldest: db.prepare('SELECT appended_at FROM readings WHERE seq > ? ORDER BY seq LIMIT 1'),
    };
  }

  private get s(): NonNullable<Outbox['statements']> {
    if (!this.statements) throw new Error('outbox is not open');
    return this.statements;
  }

  /** The serving thread's own connection to the outbox file (reads; rare writes such as calibration). */
  get database(): Database.Database {
    if (!this.reader) throw new Error('outbox is not open');
    return this.reader;
  }

  /**
   * Appends every group in one message to the writer; resolves with the last seq once the
   * transaction holding them is fsynced, rejects if it failed (nothing of them stored).
   */
  append(groups: readonly (readonly Reading[])[]): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.worker || this.closing) return Promise.reject(new Error('outbox is closed'));
    const readings = groups.length === 1 ? groups[0]! : groups.flat();
    if (readings.length === 0) return Promise.resolve(this.lastSeq);
    const ids = new Array<string>(readings.length);
    const bodies = new Array<string>(readings.length);
    let newestDataTs: number | null = null;
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i]!;
      ids[i] = r.id;
      bodies[i] = JSON.stringify(r);
      if (r.kind !== 'device.status' && (newestDataTs === null || r.ts > newestDataTs)) newestDataTs = r.ts;
    }
    const at = this.options.clock.now();
    this.post({ t: 'append', ids, bodies, at, newestDataTs });
    this.postedRows += readings.length;
    return new Promise<number>((resolve, reject) => this.posted.push({ readings, at, resolve, reject }));
  }

  /** Readings handed to the writer and not yet committed. */
  get uncommitted(): number {
    return this.postedRows;
  }

  /**
   * Committed rows after a seq, oldest first: from memory when recent, else from the file.
   * A sink that says who it is lets the memory forget what it has read.
   */
  readAfter(seq: number, limit: number, sink?: string): OutboxRow[] {
    const first = this.tail[0]?.first;
    let rows: OutboxRow[];
    if (first !== undefined && seq + 1 >= first) rows = this.readTail(seq, limit);
    else {
      const stored = this.s.readAfter.all(seq, Math.min(limit, DISK_READ_ROWS)) as { seq: number; body: string }[];
      rows = stored.map((r) => ({ seq: r.seq, reading: JSON.parse(r.body) as Reading }));
    }
    if (sink !== undefined) {
      this.readPositions.set(sink, rows.at(-1)?.seq ?? seq);
      this.trimTail();
    }
    return rows;
  }

  cursor(sink: string): number {
    const c = this.cursors.get(sink);
    if (c === undefined) throw new Error(`unknown sink '${sink}'`);
    return c;
  }

  /** A sink delivered everything up to seq. */
  commit(sink: string, seq: number): void {
    if (seq <= this.cursor(sink)) return;
    this.cursors.set(sink, seq);
    this.trimTail();
    if (this.cursorsScheduled) return;
    this.cursorsScheduled = true;
    setImmediate(() => {
      this.cursorsScheduled = false;
      if (this.worker && !this.failure) this.post({ t: 'cursors', cursors: [...this.cursors] });
    });
  }

  get last(): number {
    return this.lastSeq;
  }

  pending(sink: string): number {
    return this.lastSeq - this.cursor(sink);
  }

  /** Rows stored that some sink still needs: what the bound applies to. */
  stored(): number {
    return this.lastSeq - this.minCursor();
  }

  oldestPendingAt(sink: string): number | null {
    const after = this.cursor(sink);
    if (after >= this.lastSeq) return null;
    const i = this.tailIndexOf(after + 1);
    if (i >= 0) return this.tail[i]!.at;
    const row = this.s.oldest.get(after) as { appended_at: number } | undefined;
    return row?.appended_at ?? null;
  }

  /** Keeps readings a sink refused for good, before its cursor moves past them. */
  deadLetter(sink: string, rows: OutboxRow[], error: string): void {
    if (!this.worker || this.failure) throw this.failure ?? new Error('outbox is closed');
    this.post({ t: 'dead', sink, rows: rows.map((r) => ({ seq: r.seq, id: r.reading.id, body: JSON.stringify(r.reading) })), error, at: this.options.clock.now() });
  }

  /** Why the outbox no longer stores anything, if it does not. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Lets the writer commit what it was given and persist the cursors, then stops it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (worker && !this.failure) {
        const closed = new Promise<void>((resolve) => {
          worker.on('message', (m: FromWriter) => m.t === 'closed' && resolve());
          worker.once('exit', () => resolve());
        });
        this.post({ t: 'cursors', cursors: [...this.cursors] });
        this.post({ t: 'close' });
        await closed;
      }
      await worker?.terminate();
      this.worker = undefined;
      this.reader?.close();
      this.reader = undefined;
      this.statements = undefined;
    })();
    return this.closing;
  }

  private post(m: ToWriter): void {
    this.worker!.postMessage(m);
  }

  private onWriter(m: FromWriter): void {
    switch (m.t) {
      case 'committed': {
        const done = this.posted.splice(0, m.appends);
        let first = m.lastSeq + 1;
        for (const p of done) first -= p.readings.length;
        for (const p of done) {
          this.pushTail({ first, readings: p.readings, at: p.at });
          first += p.readings.length;
          this.postedRows -= p.readings.length;
        }
        this.lastSeq = m.lastSeq;
        this.trimTail();
        for (const p of done) p.resolve(m.lastSeq);
        return;
      }
      case 'failed': {
        const err = new Error(`outbox write failed: ${m.error}`);
        for (const p of this.posted.splice(0, m.appends)) {
          this.postedRows -= p.readings.length;
          p.reject(err);
        }
        return;
      }
      case 'ready':
      case 'closed':
        return;
    }
  }

  /** The writer thread died: nothing can be stored any more; everything waiting is refused. */
  private fail(err: Error): void {
    if (this.failure || this.closing) return;
    this.failure = err;
    this.options.onFailure?.(err);
    for (const p of this.posted) p.reject(this.failure);
    this.posted = [];
    this.postedRows = 0;
  }

  private pushTail(group: TailGroup): void {
    this.tail.push(group);
    this.tailRows += group.readings.length;
  }

  /** Drops what every sink has read, and the oldest rows beyond the bound (a lagging sink reads those from the file). */
  private trimTail(): void {
    let read = this.lastSeq;
    for (const [sink, cursor] of this.cursors) read = Math.min(read, Math.max(cursor, this.readPositions.get(sink) ?? cursor));
    const limit = this.options.tailRows ?? 30_000;
    let drop = 0;
    let rows = this.tailRows;
    while (drop < this.tail.length) {
      const g = this.tail[drop]!;
      if (g.first + g.readings.length - 1 > read && rows <= limit) break;
      rows -= g.readings.length;
      drop++;
    }
    if (drop === 0) return;
    this.tail = this.tail.slice(drop);
    this.tailRows = rows;
  }

  /** Index of the tail group holding seq, or -1. */
  private tailIndexOf(seq: number): number {
    let lo = 0;
    let hi = this.tail.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = this.tail[mid]!;
      if (seq < g.first) hi = mid - 1;
      else if (seq >= g.first + g.readings.length) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  private readTail(seq: number, limit: number): OutboxRow[] {
    const rows: OutboxRow[] = [];
    let s = seq + 1;
    for (let i = this.tailIndexOf(s); i >= 0 && i < this.tail.length && rows.length < limit; i++) {
      const g = this.tail[i]!;
      for (let k = s - g.first; k < g.readings.length && rows.length < limit; k++, s++) rows.push({ seq: s, reading: g.readings[k]! });
    }
    return rows;
  }

  private minCursor(): number {
    let min = this.lastSeq;
    for (const c of this.cursors.values()) min = Math.min(min, c);
    return min;
  }
}
