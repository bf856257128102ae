import path from 'node:path';
import { downsampleBackfillStatements, INFLUX_DATABASE, type Task } from '@shelfwatch/contracts';
import { loadScenario } from '@shelfwatch/firmware-sim';
import { influxQuery, makeTempDir, startInfluxd, type InfluxdHandle, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStore, type StoreRunResult } from '../../scripts/store-run.js';
import { allDashboards, panelQueries, type PanelQuery } from '../src/index.js';
import { runStatements } from './support/influx-statements.js';

/**
 * Every panel against what a real simulated run wrote: the demo store through the
 * simulator, gateway and backend processes, with a staff member acknowledging and
 * closing tasks as they appear (the time-to-acknowledge and time-to-done panels need them).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const STAFF_TOKEN = 'demo-staff-token-0001';

let influxd: InfluxdHandle;
let dir: TempDir;
let run: StoreRunResult;
let from: number;
let closedByStaff = 0;

async function actOnTasks(backendUrl: string, stop: { done: boolean }): Promise<void> {
  const auth = { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' };
  while (!stop.done) {
    try {
      const res = await fetch(`${backendUrl}/api/v1/tasks?status=open`, { headers: auth });
      const tasks = res.ok ? ((await res.json()) as { tasks: Task[] }).tasks : [];
      for (const t of tasks.slice(0, 3)) {
        await fetch(`${backendUrl}/api/v1/tasks/${t.id}/ack`, { method: 'POST', headers: auth, body: '{}' });
        const done = await fetch(`${backendUrl}/api/v1/tasks/${t.id}/done`, { method: 'POST', headers: auth, body: JSON.stringify({ note: 'checked on the floor' }) });
        if (done.ok) closedByStaff++;
      }
    } catch {
      // The run is stopping and the backend with it; like a handheld, try again next round.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  [influxd, dir] = await Promise.all([startInfluxd(), makeTempDir('panels-sim')]);
  const stop = { done: false };
  let actor: Promise<void> = Promise.resolve();
  run = await runStore({
    scenario: await loadScenario(path.join(ROOT, 'config/demo/scenario.json')),
    seed: 7,
    // The scenario's whole 6 simulated hours (about 40 s on a quiet machine): a wall-clock cap
    // would cover fewer simulated hours on a busy machine, and some panels would have no data.
    speed: 600,
    secretsFile: path.join(ROOT, 'config/demo/api.demo.json'),
    credentialsFile: path.join(ROOT, 'config/demo/devices.demo.json'),
    runDir: dir.path,
    influxUrl: influxd.url,
    onReady: (info) => {
      actor = actOnTasks(info.backendUrl, stop);
    },
  });
  stop.done = true;
  await actor;
  from = run.simEndMs - run.simulatedSeconds * 1000;
  // Continuous queries cover only their recent window: backfill the simulated hours.
  await runStatements(influxd.url, downsampleBackfillStatements(from, run.simEndMs));
}, 900_000);

afterAll(async () => {
  await influxd?.destroy();
  await dir?.remove();
});

/**
 * What Grafana sends, with every store, case and aisle selected. The gateway's own stats
 * are stamped with the wall clock and span this run's minute or so of it; over such a
 * window Grafana's $__interval is seconds, not the minute the simulated hours get.
 */
function substitute(q: PanelQuery): string {
  const to = Math.max(run.simEndMs, Date.now()) + 60_000;
  const interval = q.query.includes('gateway_stats') ? '10s' : (q.interval ?? '1m');
  return q.query
    .replaceAll('$timeFilter', `time >= ${from}ms and time <= ${to}ms`)
    .replaceAll('$__interval', interval)
    .replaceAll('$store', run.layout.store.id)
    .replaceAll('$case', '.*')
    .replaceAll('$aisle', '.*');
}

/**
 * A case's refrigeration normal is learned from at least 6 h of its own compressor cycles,
 * leaving out the latest 3 h: a 6-hour run ends before any case has one, so these panels are
 * rightly empty here (panels.int.test.ts checks them against a store that has learned).
 */
const NEEDS_A_LEARNED_NORMAL = new Set(['Cooling capacity against the case’s own normal']);

describe('panels over a real simulated run', () => {
  it('the run reconciled and staff closed tasks', () => {
    expect(run.pointsInInflux).toBe(run.readingsSent);
    expect(closedByStaff).toBeGreaterThan(0);
  });

  const queries = allDashboards().flatMap((d) => panelQueries(d.dashboard).map((q) => [`${d.dashboard.title ?? d.file}: ${q.panel} [${q.refId}]`, q] as const));
  it.each(queries)('%s returns data', async (_label, q) => {
    const result = await influxQuery(influxd.url, INFLUX_DATABASE, substitute(q));
    const first = result.results[0];
    expect(first?.error, q.query).toBeUndefined();
    const values = (first?.series ?? []).flatMap((s) => s.values);
    if (NEEDS_A_LEARNED_NORMAL.has(q.panel)) return;
    expect(values.some((row) => row.slice(1).some((v) => v !== null)), substitute(q)).toBe(true);
  });
});
