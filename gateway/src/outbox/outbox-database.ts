import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The outbox file: readings (append-only, deleted only as a delivered prefix), one cursor
 * per sink, dead letters, channel calibrations, and the newest device event time ever
 * stored (kept when its rows are deleted: after a restart it says when the gateway stopped
 * listening). WAL + synchronous=FULL: a commit is
 * fsynced before it returns, so "nothing acknowledged is lost" holds across power loss, not
 * only a process crash (NORMAL would be safe for kill -9 but may lose the last commits on
 * power loss). WAL also lets a reader run beside the writer without either waiting.
 */
export function openOutboxDatabase(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // The writer thread and the reader/calibration connection share the file.
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS readings (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, body TEXT NOT NULL, appended_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS cursors (sink TEXT PRIMARY KEY, seq INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS dead_letters (sink TEXT NOT NULL, seq INTEGER NOT NULL, reading_id TEXT NOT NULL, body TEXT NOT NULL, error TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS heard (id INTEGER PRIMARY KEY CHECK (id = 1), newest_ts INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS calibration (board TEXT NOT NULL, channel INTEGER NOT NULL, offset_counts INTEGER NOT NULL, counts_per_gram REAL NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (board, channel));
  `);
  return db;
}
