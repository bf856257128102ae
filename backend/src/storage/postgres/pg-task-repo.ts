import type { Task, TaskEvent, TaskEventType, TaskKind } from '@shelfwatch/contracts';
import type { HistoryEntry, PendingEvent, TaskFilter, TaskRepo } from '../ports.js';
import { EVENT_LOG_LOCK, notify } from './notices.js';
import { row, rows, type Sql } from './sql.js';

const ACTIVE = "status IN ('open', 'acknowledged')";

export class PgTaskRepo implements TaskRepo {
  constructor(private readonly db: Sql) {}

  async get(id: string): Promise<Task | null> {
    return (await row<{ body: Task }>(this.db, 'SELECT body FROM tasks WHERE id = $1', [id]))?.body ?? null;
  }

  async active(storeId: string, kind: TaskKind, locationKey: string): Promise<Task | null> {
    const r = await row<{ body: Task }>(this.db, `SELECT body FROM tasks WHERE store_id = $1 AND kind = $2 AND location_key = $3 AND ${ACTIVE}`, [storeId, kind, locationKey]);
    return r?.body ?? null;
  }

  async list(filter: TaskFilter): Promise<Task[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const inList = (column: string, values: string[] | undefined) => {
      if (values === undefined) return;
      args.push(values);
      where.push(`${column} = ANY($${args.length}::text[])`);
    };
    inList('status', filter.status);
    inList('kind', filter.kind);
    inList('store_id', filter.storeIds);
    args.push(filter.limit ?? 1000);
    const sql = `SELECT body FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id COLLATE "C" LIMIT $${args.length}`;
    return (await rows<{ body: Task }>(this.db, sql, args)).map((r) => r.body);
  }

  async unacknowledged(storeId: string): Promise<Task[]> {
    return (await rows<{ body: Task }>(this.db, "SELECT body FROM tasks WHERE store_id = $1 AND status = 'open'", [storeId])).map((r) => r.body);
  }

  async countActive(): Promise<number> {
    return (await row<{ n: number }>(this.db, `SELECT COUNT(*) AS n FROM tasks WHERE ${ACTIVE}`))?.n ?? 0;
  }

  async insert(task: Task): Promise<void> {
    await this.db.query(
      'INSERT INTO tasks (id, store_id, kind, location_key, status, version, raised_at, updated_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [task.id, task.storeId, task.kind, task.locationKey, task.status, task.version, task.raisedAt, task.updatedAt, JSON.stringify(task)],
    );
  }

  async update(task: Task, expectedVersion: number): Promise<boolean> {
    const result = await this.db.query('UPDATE tasks SET status = $1, version = $2, updated_at = $3, body = $4 WHERE id = $5 AND version = $6', [
      task.status,
      task.version,
      task.updatedAt,
      JSON.stringify(task),
      task.id,
      expectedVersion,
    ]);
    return result.rowCount === 1;
  }

  async appendHistory(taskId: string, entry: HistoryEntry): Promise<void> {
    await this.db.query(
      'INSERT INTO task_history (task_id, n, at, by, action, text) VALUES ($1, (SELECT COALESCE(MAX(n), 0) + 1 FROM task_history WHERE task_id = $1), $2, $3, $4, $5)',
      [taskId, entry.at, entry.by, entry.action, entry.text],
    );
  }

  async history(taskId: string): Promise<HistoryEntry[]> {
    return rows<HistoryEntry>(this.db, 'SELECT at, by, action, text FROM task_history WHERE task_id = $1 ORDER BY n', [taskId]);
  }

  async appendEvents(events: readonly PendingEvent[]): Promise<TaskEvent[]> {
    if (events.length === 0) return [];
    // Seqs are drawn under a lock held until commit, so they become visible in seq order: a
    // replica tailing the log by seq never passes an event that commits after it read. Taken
    // last, after every row lock of the unit of work, so it cannot close a cycle of waits.
    await this.db.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK]);
    const found = await rows<{ seq: number }>(
      this.db,
      'INSERT INTO task_events (task_id, type, store_id, body) SELECT task_id, type, store_id, body FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS e(task_id, type, store_id, body, i) ORDER BY i RETURNING seq',
      [events.map((e) => e.task.id), events.map((e) => e.type), events.map((e) => e.task.storeId), events.map((e) => JSON.stringify(e.task))],
    );
    if (found.length !== events.length) throw new Error('task events not appended');
    await notify(this.db, 'events', '');
    // Seqs are drawn as the ordered rows are inserted: ascending seq is input order.
    found.sort((a, b) => a.seq - b.seq);
    return found.map((r, i) => ({ seq: r.seq, type: events[i]!.type, task: events[i]!.task }));
  }

  async eventsAfter(seq: number, limit: number): Promise<TaskEvent[]> {
    const found = await rows<{ seq: number; type: TaskEventType; body: Task }>(this.db, 'SELECT seq, type, body FROM task_events WHERE seq > $1 ORDER BY seq LIMIT $2', [
      seq,
      limit,
    ]);
    return found.map((r) => ({ seq: r.seq, type: r.type, task: r.body }));
  }

  async lastSeq(): Promise<number> {
    return (await row<{ seq: number | null }>(this.db, 'SELECT MAX(seq) AS seq FROM task_events'))?.seq ?? 0;
  }

  async openCounts(storeId: string): Promise<{ kind: TaskKind; open: number }[]> {
    return rows<{ kind: TaskKind; open: number }>(this.db, `SELECT kind, COUNT(*) AS open FROM tasks WHERE store_id = $1 AND ${ACTIVE} GROUP BY kind`, [storeId]);
  }

  async forCase(caseId: string, from: number, to: number, storeId?: string): Promise<Task[]> {
    const found = await rows<{ body: Task }>(
      this.db,
      `SELECT body FROM tasks WHERE body -> 'location' ->> 'caseId' = $1 AND raised_at <= $2
         AND (body ->> 'closedAt' IS NULL OR (body ->> 'closedAt')::bigint >= $3)
         ${storeId === undefined ? '' : 'AND store_id = $4'} ORDER BY raised_at`,
      storeId === undefined ? [caseId, to, from] : [caseId, to, from, storeId],
    );
    return found.map((r) => r.body);
  }
}
