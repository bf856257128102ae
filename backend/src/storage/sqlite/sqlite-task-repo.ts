import type Database from 'better-sqlite3';
import type { Task, TaskEvent, TaskEventType, TaskKind } from '@shelfwatch/contracts';
import type { HistoryEntry, PendingEvent, TaskFilter, TaskRepo } from '../ports.js';
import type { Synchronous } from './synchronous.js';

const parseTask = (row: { body: string } | undefined): Task | null => (row ? (JSON.parse(row.body) as Task) : null);

export class SqliteTaskRepo implements Synchronous<TaskRepo> {
  constructor(private readonly db: Database.Database) {}

  get(id: string): Task | null {
    return parseTask(this.db.prepare('SELECT body FROM tasks WHERE id = ?').get(id) as { body: string } | undefined);
  }

  active(storeId: string, kind: TaskKind, locationKey: string): Task | null {
    return parseTask(
      this.db
        .prepare("SELECT body FROM tasks WHERE store_id = ? AND kind = ? AND location_key = ? AND status IN ('open', 'acknowledged')")
        .get(storeId, kind, locationKey) as { body: string } | undefined,
    );
  }

  list(filter: TaskFilter): Task[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const inList = (column: string, values: string[] | undefined) => {
      if (values === undefined) return;
      if (values.length === 0) {
        where.push('0');
        return;
      }
      where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      args.push(...values);
    };
    inList('status', filter.status);
    inList('kind', filter.kind);
    inList('store_id', filter.storeIds);
    const sql = `SELECT body FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id LIMIT ?`;
    args.push(filter.limit ?? 1000);
    return (this.db.prepare(sql).all(...args) as { body: string }[]).map((r) => JSON.parse(r.body) as Task);
  }

  unacknowledged(storeId: string): Task[] {
    return (this.db.prepare("SELECT body FROM tasks WHERE store_id = ? AND status = 'open'").all(storeId) as { body: string }[]).map(
      (r) => JSON.parse(r.body) as Task,
    );
  }

  countActive(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status IN ('open', 'acknowledged')").get() as { n: number }).n;
  }

  insert(task: Task): void {
    this.db
      .prepare('INSERT INTO tasks (id, store_id, kind, location_key, status, version, raised_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(task.id, task.storeId, task.kind, task.locationKey, task.status, task.version, task.raisedAt, task.updatedAt, JSON.stringify(task));
  }

  update(task: Task, expectedVersion: number): boolean {
    const info = this.db
      .prepare('UPDATE tasks SET status = ?, version = ?, updated_at = ?, body = ? WHERE id = ? AND version = ?')
      .run(task.status, task.version, task.updatedAt, JSON.stringify(task), task.id, expectedVersion);
    return info.changes === 1;
  }

  appendHistory(taskId: string, entry: HistoryEntry): void {
    this.db
      .prepare(
        'INSERT INTO task_history (task_id, n, at, by, action, text) VALUES (?, (SELECT COALESCE(MAX(n), 0) + 1 FROM task_history WHERE task_id = ?), ?, ?, ?, ?)',
      )
      .run(taskId, taskId, entry.at, entry.by, entry.action, entry.text);
  }

  history(taskId: string): HistoryEntry[] {
    return this.db.prepare('SELECT at, by, action, text FROM task_history WHERE task_id = ? ORDER BY n').all(taskId) as HistoryEntry[];
  }

  // One writer: seq order is commit order already.
  appendEvents(events: readonly PendingEvent[]): TaskEvent[] {
    const insert = this.db.prepare('INSERT INTO task_events (task_id, type, store_id, body) VALUES (?, ?, ?, ?)');
    return events.map(({ type, task }) => ({ seq: Number(insert.run(task.id, type, task.storeId, JSON.stringify(task)).lastInsertRowid), type, task }));
  }

  eventsAfter(seq: number, limit: number): TaskEvent[] {
    return (
      this.db.prepare('SELECT seq, type, body FROM task_events WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as {
        seq: number;
        type: TaskEventType;
        body: string;
      }[]
    ).map((r) => ({ seq: r.seq, type: r.type, task: JSON.parse(r.body) as Task }));
  }

  lastSeq(): number {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM task_events').get() as { seq: number | null };
    return row.seq ?? 0;
  }

  openCounts(storeId: string): { kind: TaskKind; open: number }[] {
    return this.db
      .prepare("SELECT kind, COUNT(*) AS open FROM tasks WHERE store_id = ? AND status IN ('open', 'acknowledged') GROUP BY kind")
      .all(storeId) as { kind: TaskKind; open: number }[];
  }

  forCase(caseId: string, from: number, to: number, storeId?: string): Task[] {
    const rows = this.db
      .prepare(
        `SELECT body FROM tasks WHERE json_extract(body, '$.location.caseId') = ? AND raised_at <= ?
           AND (json_extract(body, '$.closedAt') IS NULL OR json_extract(body, '$.closedAt') >= ?)
           ${storeId === undefined ? '' : 'AND store_id = ?'} ORDER BY raised_at`,
      )
      .all(...(storeId === undefined ? [caseId, to, from] : [caseId, to, from, storeId])) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Task);
  }
}
