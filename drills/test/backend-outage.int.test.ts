import { waitUntil } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTasks, backendPost, storedReadingIds, taskWithHistory } from './support/backend-process.js';
import { Chain, runningChain } from './support/chain.js';
import { ProbePublisher } from './support/probe-publisher.js';

/** Product probe readings above the ceiling, a minute apart: longer than any alarm delay. */
const HOT = 40;

describe('drill: kill -9 of the backend mid-stream while the gateway forwards', () => {
  const N = 3_000;
  const chain = runningChain();

  it('loses no task or history, drains the backend outbox, stores each forwarded reading once', async () => {
    const ts0 = Date.now() - 2 * 3_600_000;
    await new ProbePublisher({ deviceId: 'probe-2', ts0, stepMs: 60_000, tempC: () => 12 }).sendAll(() => chain.mqttPort, HOT);
    await chain.drained();
    const excursion = (await allTasks(chain.backendUrl)).find((t) => t.kind === 'temperature_excursion');
    expect(excursion).toBeDefined();
    expect((await backendPost(chain.backendUrl, `/api/v1/tasks/${excursion!.id}/ack`, {})).status).toBe(200);
    const before = await taskWithHistory(chain.backendUrl, excursion!.id);
    const tasksBefore = await allTasks(chain.backendUrl);

    const probe = new ProbePublisher({ deviceId: 'probe-1', ts0: ts0 + HOT * 60_000 });
    // Mid-stream: the backend has stored part of the stream, and more than half is still to be published.
    await probe.sendAll(() => chain.mqttPort, N / 3);
    const storedAtKill = await waitUntil(() => {
      const n = storedReadingIds(chain.dbPath).filter((id) => id.startsWith('probe-1:')).length;
      return n > 0 ? n : null;
    }, { what: 'the backend to store part of the stream', timeoutMs: 60_000, intervalMs: 20 });
    const sending = probe.sendAll(() => chain.mqttPort, N);
    await probe.whenAcked(N / 2);
    await chain.backend!.proc.kill('SIGKILL');
    await sending;
    const pendingWhileDown = (await chain.gatewayStats()).outboxPending.backend ?? 0;
    expect(pendingWhileDown).toBeGreaterThanOrEqual(N / 2);
    await chain.startBackend();
    await chain.drained();

    const stats = await chain.gatewayStats();
    const ids = storedReadingIds(chain.dbPath);
    const probeIds = ids.filter((id) => id.startsWith('probe-1:'));
    expect(probeIds.length).toBe(N);
    expect(new Set(ids).size).toBe(ids.length);
    // Every reading the gateway accepted (and so forwarded) is at the backend exactly once.
    const acceptedByGateway = Object.values(stats.accepted).reduce((a, b) => a + b, 0);
    expect(ids.filter((id) => id.startsWith('probe-')).length).toBe(acceptedByGateway);
    expect(stats.outboxPending.backend).toBe(0);
    expect(stats.deadLettered).toEqual({});

    const after = await taskWithHistory(chain.backendUrl, excursion!.id);
    expect(after.history.slice(0, before.history.length)).toEqual(before.history);
    const tasksAfter = await allTasks(chain.backendUrl);
    for (const t of tasksBefore) expect(tasksAfter.map((x) => x.id)).toContain(t.id);
    console.info(JSON.stringify({ drill: 'kill-backend', sent: N + HOT, storedAtKill, pendingWhileDown, backendStored: ids.length, gatewayAccepted: acceptedByGateway, gatewayWrittenBackend: stats.written.backend, tasksBefore: tasksBefore.length, tasksAfter: tasksAfter.length, history: after.history.map((h) => h.action) }));
  });
});

describe('drill: backend unreachable, then started', () => {
  const N = 1_000;
  const chain = new Chain();
  beforeAll(async () => {
    await chain.prepare();
    await chain.startGateway();
  });
  afterAll(() => chain.stop());

  it('the gateway catches up in order and the task is raised once', async () => {
    const ts0 = Date.now() - 2 * 3_600_000;
    const hot = new ProbePublisher({ deviceId: 'probe-2', ts0, stepMs: 60_000, tempC: () => 12 });
    await hot.sendAll(() => chain.mqttPort, HOT);
    const probe = new ProbePublisher({ deviceId: 'probe-1', ts0: ts0 + HOT * 60_000 });
    await probe.sendAll(() => chain.mqttPort, N);
    // InfluxDB is unaffected; everything waits for the backend.
    await waitUntil(async () => (await chain.gatewayStats()).outboxPending.influx === 0, { what: 'influx delivered', timeoutMs: 60_000, intervalMs: 100 });
    const pending = (await chain.gatewayStats()).outboxPending.backend;
    expect(pending).toBe(N + HOT);

    await chain.startBackend();
    await chain.drained();
    const ids = storedReadingIds(chain.dbPath).filter((id) => id.startsWith('probe-'));
    const expected = [...Array.from({ length: HOT }, (_, s) => `probe-2:${s}`), ...Array.from({ length: N }, (_, s) => `probe-1:${s}`)];
    expect(ids).toEqual(expected);
    const excursions = (await allTasks(chain.backendUrl)).filter((t) => t.kind === 'temperature_excursion');
    expect(excursions).toHaveLength(1);
    const task = await taskWithHistory(chain.backendUrl, excursions[0]!.id);
    expect(task.history.filter((h) => h.action === 'raised')).toHaveLength(1);
    console.info(JSON.stringify({ drill: 'backend-unreachable', pendingWhileDown: pending, backendStoredInOrder: ids.length, excursionTasks: excursions.length, history: task.history.map((h) => h.action) }));
  });
});
