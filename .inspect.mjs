import { copyFileSync, readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import path from 'node:path'; import os from 'node:os';
import { openSqliteStorage } from '@shelfwatch/backend';
import { StoreLayout } from '@shelfwatch/contracts';
import { scoreRun, readGroundTruthFile } from './dist/eval/src/index.js';
const runDir = process.argv[2]; const only = process.argv[3]?.split(',');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'insp-'));
const fmt = (ms) => new Date(ms).toISOString().slice(11, 16);
for (const name of readdirSync(runDir).filter((n) => !n.endsWith('-again')).sort()) {
  const dir = path.join(runDir, name);
  let layout; try { layout = StoreLayout.parse(JSON.parse(readFileSync(path.join(dir, 'store.json'), 'utf8'))); } catch { continue; }
  const truth = await readGroundTruthFile(path.join(dir, 'ground-truth.jsonl'));
  const end = truth.events.find((e) => e.type === 'run_end')?.ts; if (!end) continue;
  const copy = path.join(tmp, name + '.sqlite'); copyFileSync(path.join(dir, 'backend.sqlite'), copy);
  try { copyFileSync(path.join(dir, 'backend.sqlite-wal'), copy + '-wal'); } catch {}
  const st = openSqliteStorage(copy);
  const tasks = st.tasks.list({ limit: 1e9 }).map((t) => ({ ...t, history: st.tasks.history(t.id) })).filter((t) => t.raisedAt < end);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const s = scoreRun({ truth: truth.events, tasks, layout });
  for (const [sec, v] of Object.entries(s)) {
    if (!v || typeof v !== 'object' || !('falseAlarms' in v)) continue;
    if (only && !only.includes(sec)) continue;
    for (const f of v.falseAlarms) { const t = byId.get(f.taskId); console.log(`${name} ${sec} FALSE ${f.locationKey} ${fmt(f.raisedAt)} "${t?.title}" ${t?.history.map((h) => fmt(h.at) + ' ' + h.action + ': ' + h.text).join(' | ').slice(0, 500)}`); }
    for (const m of v.missed) console.log(`${name} ${sec} MISSED ${m.key} ${fmt(m.startMs)}-${fmt(m.endMs)} ${m.what.join(',')} openAtEnd=${m.openAtEnd}`);
  }
  st.close();
}
