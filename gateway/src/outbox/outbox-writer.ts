/**
 * The outbox's writer thread: the only writer of the outbox file, so the thread that serves
 * sockets never waits on a disk. Group commit: every message that arrived while the previous
 * transaction was being fsynced goes into the next one (up to maxRowsPerCommit rows), so a
 * lone reading waits for one fsync and a burst shares one. Cursor moves, dead letters and
 * the deletion of delivered rows ride along in the same transactions. Nothing here parses a
 * reading: rows arrive serialised.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openOutboxDatabase } from './outbox-database.js';
import type { FromWriter, ToWriter, WriterInit } from './outbox-protocol.js';

if (!parentPort) throw new Error('outbox-writer runs as a worker thread');
const port: MessagePort = parentPort;
const init = workerData as WriterInit;
const db = openOutboxDatabase(init.path);
const st = {
  insert: db.prepare('INSERT INTO readings (id, body, appended_at) VALUES (?, ?, ?)'),
  setCursor: db.prepare('INSERT INTO cursors (sink, seq) VALUES (?, ?) ON CONFLICT(sink) DO UPDATE SET seq = excluded.seq'),
  compact: db.prepare('DELETE FROM readings WHERE seq <= ?'),
  heard: db.prepare('INSERT INTO heard (id, newest_ts) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET newest_ts = MAX(newest_ts, excluded.newest_ts)'),
  deadLetter: db.prepare('INSERT INTO dead_letters (sink, seq, reading_id, body, error, at) VALUES (?, ?, ?, ?, ?, ?)'),
};
const post = (m: FromWriter) => port.postMessage(m);

const maxSeq = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM readings').get() as { s: number }).s;
const seqRow = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'readings'").get() as { seq: number } | undefined;
let lastSeq = Math.max(maxSeq, seqRow?.seq ?? 0);
const minRow = (db.prepare('SELECT MIN(seq) AS s FROM readings').get() as { s: number | null }).s;
/** Everything at or below this seq is deleted. */
let compacted = (minRow ?? lastSeq + 1) - 1;
const cursors = new Map<string, number>();
for (const sink of init.sinks) {
  const row = db.prepare('SELECT seq FROM cursors WHERE sink = ?').get(sink) as { seq: number } | undefined;
  if (row) cursors.set(sink, row.seq);
  else {
    st.setCursor.run(sink, compacted);
    cursors.set(sink, compacted);
  }
}
post({ t: 'ready', lastSeq, cursors: [...cursors] });

let queue: ToWriter[] = [];
let scheduled = false;
const schedule = () => {
  if (scheduled) return;
  scheduled = true;
  setImmediate(commit);
};
port.on('message', (m: ToWriter) => {
  queue.push(m);
  schedule();
});

const minCursor = () => Math.min(...cursors.values());

function commit(): void {
  scheduled = false;
  const take: ToWriter[] = [];
  let rows = 0;
  while (queue.length > 0) {
    const next = queue[0]!;
    const n = next.t === 'append' ? next.ids.length : 0;
    if (take.length > 0 && rows + n > init.maxRowsPerCommit) break;
    take.push(queue.shift()!);
    rows += n;
    if (next.t === 'close') break;
  }
  const appends = take.filter((m) => m.t === 'append').length;
  let closing = false;
  const before = lastSeq;
  const moved = new Map<string, number>();
  let compactTo = compacted;
  try {
    db.transaction(() => {
      for (const m of take) {
        switch (m.t) {
          case 'append':
            for (let i = 0; i < m.ids.length; i++) lastSeq = Number(st.insert.run(m.ids[i], m.bodies[i], m.at).lastInsertRowid);
            if (m.newestDataTs !== null) st.heard.run(m.newestDataTs);
            break;
          case 'cursors':
            for (const [sink, seq] of m.cursors) moved.set(sink, seq);
            break;
          case 'dead':
            for (const r of m.rows) st.deadLetter.run(m.sink, r.seq, r.id, r.body, m.error, m.at);
            break;
          case 'close':
            closing = true;
            break;
        }
      }
      for (const [sink, seq] of moved) st.setCursor.run(sink, seq);
      const delivered = Math.min(...init.sinks.map((s) => moved.get(s) ?? cursors.get(s)!));
      if (delivered > compacted) {
        compactTo = Math.min(delivered, compacted + init.compactRowsPerCommit);
        st.compact.run(compactTo);
      }
    })();
  } catch (err) {
    lastSeq = before;
    post({ t: 'failed', appends, error: (err as Error).message });
    if (closing) return close();
    // The appends are refused (their callers were told); cursor moves and dead letters are
    // retried with the next message.
    queue = [...take.filter((m) => m.t === 'cursors' || m.t === 'dead'), ...queue];
    return;
  }
  for (const [sink, seq] of moved) cursors.set(sink, seq);
  compacted = compactTo;
  if (appends > 0) post({ t: 'committed', appends, lastSeq });
  if (closing) return close();
  if (queue.length > 0 || minCursor() > compacted) schedule();
}

function close(): void {
  db.close();
  post({ t: 'closed' });
  port.close();
}
