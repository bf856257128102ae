import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Reading } from '@shelfwatch/contracts';
import type { Clock } from '../clock.js';

export interface OutboxRow {
  seq: number;
  reading: Reading;
}

export interface OutboxOptions {
  path: string;
  /** Sinks that own a cursor; a new sink starts at the beginning of what is still stored. */
  sinks: string[];
  clock: Clock;
}

/**
 * The durable outbox: an append-only SQLite table of readings with one cursor per sink.
 * WAL + synchronous=FULL: a commit is fsynced before append() returns, because an MQTT
 * PUBACK follows it and "nothing acknowledged is lost" must hold across power loss, not
 * only a process crash (NORMAL would be safe for kill -9 but may lose the last commits on
 * power loss). Group commit (many readings per transaction) pays the fsync once per batch.
 * Rows are only ever deleted as a prefix (compaction), so seq numbers stay contiguous and
 * pending counts are plain subtraction.
 */
export class Outbox {
  private db: Database.Database | undefined;
  private lastSeq = 0;
  private readonly cursors = new Map<string, number>();
  private statements: ReturnType<Outbox['prepare']> | undefined;

  constructor(private readonly options: OutboxOptions) {}

  open(): void {
    mkdirSync(path.dirname(this.options.path), { recursive: true });
    const db = new Database(this.options.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS readings (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, body TEXT NOT NULL, appended_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS cursors (sink TEXT PRIMARY KEY, seq INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS dead_letters (sink TEXT NOT NULL, seq INTEGER NOT NULL, reading_id TEXT NOT NULL, body TEXT NOT NULL, error TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS calibration (board TEXT NOT NULL, channel INTEGER NOT NULL, offset_counts INTEGER NOT NULL, counts_per_gram REAL NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (board, channel));
    `);
    this.db = db;
    this.statements = this.prepare(db);
    const max = db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM readings').get() as { s: number };
    const seqRow = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'readings'").get() as { seq: number } | undefined;
    this.lastSeq = Math.max(max.s, seqRow?.seq ?? 0);
    const min = db.prepare('SELECT MIN(seq) AS s FROM readings').get() as { s: number | null };
    const start = (min.s ?? this.lastSeq + 1) - 1;
    for (const sink of this.options.sinks) {
      const row = this.statements.getCursor.get(sink) as { seq: number } | undefined;
      if (row) this.cursors.set(sink, row.seq);
      else {
        this.statements.setCursor.run(sink, start);
        this.cursors.set(sink, start);
      }
    }
  }

  private prepare(db: Database.Database) {
    return {
      insert: db.prepare('INSERT INTO readings (id, body, appended_at) VALUES (?, ?, ?)'),
      getCursor: db.prepare('SELECT seq FROM cursors WHERE sink = ?'),
      setCursor: db.prepare('INSERT INTO cursors (sink, seq) VALUES (?, ?) ON CONFLICT(sink) DO UPDATE SET seq = excluded.seq'),
      readAfter: db.prepare('SELECT seq, body FROM readings WHERE seq > ? ORDER BY seq LIMIT ?'),
      oldest: db.prepare('SELECT appended_at FROM readings WHERE seq > ? ORDER BY seq LIMIT 1'),
      compact: db.prepare('DELETE FROM readings WHERE seq <= ?'),
      deadLetter: db.prepare('INSERT INTO dead_letters (sink, seq, reading_id, body, error, at) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  private get s(): NonNullable<Outbox['statements']> {
    if (!this.statements) throw new Error('outbox is not open');
    return this.statements;
  }

  get database(): Database.Database {
    if (!this.db) throw new Error('outbox is not open');
    return this.db;
  }

  /** Appends every group in one transaction (one fsync). Returns the last seq. */
  append(groups: readonly (readonly Reading[])[]): number {
    const now = this.options.clock.now();
    const run = this.database.transaction(() => {
      for (const readings of groups) {
        for (const r of readings) this.s.insert.run(r.id, JSON.stringify(r), now);
      }
    });
    run();
    for (const g of groups) this.lastSeq += g.length;
    return this.lastSeq;
  }

  /** Rows after a seq, oldest first. */
  readAfter(seq: number, limit: number): OutboxRow[] {
    const rows = this.s.readAfter.all(seq, limit) as { seq: number; body: string }[];
    return rows.map((r) => ({ seq: r.seq, reading: JSON.parse(r.body) as Reading }));
  }

  cursor(sink: string): number {
    const c = this.cursors.get(sink);
    if (c === undefined) throw new Error(`unknown sink '${sink}'`);
    return c;
  }

  commit(sink: string, seq: number): void {
    if (seq <= this.cursor(sink)) return;
    this.s.setCursor.run(sink, seq);
    this.cursors.set(sink, seq);
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
    const row = this.s.oldest.get(this.cursor(sink)) as { appended_at: number } | undefined;
    return row?.appended_at ?? null;
  }

  /** Deletes rows every sink has delivered. */
  compact(): number {
    return this.s.compact.run(this.minCursor()).changes;
  }

  deadLetter(sink: string, rows: OutboxRow[], error: string): void {
    const now = this.options.clock.now();
    const run = this.database.transaction(() => {
      for (const r of rows) this.s.deadLetter.run(sink, r.seq, r.reading.id, JSON.stringify(r.reading), error, now);
    });
    run();
  }

  private minCursor(): number {
    let min = this.lastSeq;
    for (const c of this.cursors.values()) min = Math.min(min, c);
    return min;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.statements = undefined;
  }
}
