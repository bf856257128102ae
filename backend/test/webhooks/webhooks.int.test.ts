/* eslint-disable @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON checked with expect() */
import { ReplenishmentRequested } from '@shelfwatch/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@shelfwatch/service-kit';
import { makeHarness, SECRETS, TOKENS, type Harness } from '../support/harness.js';
import { cameraGap, probe, RECENT_T0 } from '../support/readings.js';
import { scriptedEngines } from '../support/scripted-engine.js';
import { WebhookReceiver } from '@shelfwatch/test-support';

const T0 = RECENT_T0;
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('supplier webhooks (real receiver verifying with standardwebhooks)', () => {
  let h: Harness | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await h?.stop();
    await h?.dir.remove();
    await receiver?.stop();
    h = undefined;
    receiver = undefined;
  });

  const ingest = (harness: Harness, readings: unknown[]) => harness.req('POST', '/api/v1/ingest', { token: TOKENS.device, body: { gatewayId: 'gw-1', readings } });

  it('retries with backoff while the receiver fails, then delivers exactly once per webhook-id', async () => {
    receiver = new WebhookReceiver(SECRETS);
    const base = await receiver.start();
    receiver.respond = (_w, n) => (n < 2 ? 500 : 200);
    h = await makeHarness({ webhookUrl: (id) => `${base}/${id}` });
    const clock = new ManualClock(Date.now());
    // Ticks are not under test here: a long period keeps a 30 h clock jump cheap.
    await h.start({ createRuleEngine: scriptedEngines().create, clock, timers: clock, random: () => 1, tickMs: HOUR });

    await ingest(h, [cameraGap(T0, 'slot-3b-1'), cameraGap(T0, 'slot-3b-2')]);
    await receiver.waitForCount(2);
    // The worker records each attempt after the response: let that pass finish before moving time.
    await h.backend.deliverWebhooks();
    expect(receiver.received.every((w) => w.verified && w.answered === 500)).toBe(true);

    clock.advance(9_999);
    expect(await h.backend.deliverWebhooks()).toBe(0);
    clock.advance(1); // first retry step (random() = 1 → the full 10 s)
    await receiver.waitForCount(4);
    await h.backend.deliverWebhooks();
    clock.advance(20_000); // second step
    await receiver.waitForCount(6);
    await h.backend.deliverWebhooks();
    expect(receiver.received.slice(4).map((w) => w.answered)).toEqual([200, 200]);

    // A day later nothing is sent again.
    clock.advance(30 * HOUR);
    await h.backend.deliverWebhooks();
    expect(receiver.received).toHaveLength(6);
    expect([...receiver.processed.values()]).toEqual([1, 1]);
    const ids = new Set(receiver.received.map((w) => w.webhookId));
    expect(ids.size).toBe(2);
    for (const id of ids) expect(receiver.received.filter((w) => w.webhookId === id)).toHaveLength(3);

    const body = ReplenishmentRequested.parse(receiver.received[5]!.body);
    expect(`msg_${body.data.requestId}`).toBe(receiver.received[5]!.webhookId);
    expect(body.data.storeId).toBe('store-1');

    const log = await h.req('GET', '/api/v1/webhooks/deliveries', { token: TOKENS.dairy });
    expect(log.body.messages).toHaveLength(1);
    expect(log.body.messages[0]).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(log.body.attempts.map((a: { outcome: string; statusCode: number }) => [a.outcome, a.statusCode])).toEqual([
      ['delivered', 200],
      ['retry', 500],
      ['retry', 500],
    ]);
  });

  it('a signature made with the wrong secret is rejected by the receiver (the check is real)', async () => {
    receiver = new WebhookReceiver({ dairyco: SECRETS.bakery, bakery: SECRETS.dairyco });
    const base = await receiver.start();
    h = await makeHarness({ webhookUrl: (id) => `${base}/${id}` });
    const clock = new ManualClock(Date.now());
    await h.start({ createRuleEngine: scriptedEngines().create, clock, timers: clock });
    await ingest(h, [cameraGap(T0, 'slot-3b-1')]);
    await receiver.waitForCount(1);
    expect(receiver.received[0]).toMatchObject({ verified: false, answered: 401 });
  });

  it('a restart loses no task, history entry or pending webhook', async () => {
    receiver = new WebhookReceiver(SECRETS);
    const base = await receiver.start();
    receiver.respond = () => 503;
    h = await makeHarness({ webhookUrl: (id) => `${base}/${id}` });
    const clock = new ManualClock(Date.now());
    const first = scriptedEngines();
    await h.start({ createRuleEngine: first.create, clock, timers: clock, random: () => 1 });

    const batch = [probe(T0, 9), probe(T0 + MIN, 13), cameraGap(T0 + MIN, 'slot-3b-1')];
    await ingest(h, batch);
    await receiver.waitForCount(1);
    await h.backend.deliverWebhooks();
    const tasks = (await h.req('GET', '/api/v1/tasks', { token: TOKENS.ops })).body.tasks as { id: string }[];
    expect(tasks).toHaveLength(1);
    const id = tasks[0]!.id;
    await h.req('POST', `/api/v1/tasks/${id}/ack`, { token: TOKENS.staff });
    const before = (await h.req('GET', `/api/v1/tasks/${id}`, { token: TOKENS.ops })).body;
    expect(before.history.map((x: { action: string }) => x.action)).toEqual(['raised', 'updated', 'acknowledged']);
    await h.stop();

    receiver.respond = () => 200;
    const second = scriptedEngines();
    await h.start({ createRuleEngine: second.create, clock, timers: clock, random: () => 1 });
    // The rule state is rebuilt by replaying the stored readings through the fresh engine.
    expect(second.engines[0]!.seen.map((r) => r.id)).toEqual(first.engines[0]!.seen.map((r) => r.id));
    const after = (await h.req('GET', `/api/v1/tasks/${id}`, { token: TOKENS.ops })).body;
    expect(after).toEqual(before);
    // The feed's event log survived too: a client resuming from 0 gets every event, in order.
    const { SseClient } = await import('../support/sse-client.js');
    const feed = await SseClient.open(`${h.backend.url}/api/v1/alerts/stream?lastEventId=0&access_token=${TOKENS.ops}`);
    await feed.nextTask((e) => e.type === 'acknowledged');
    expect(feed.taskEvents().map((e) => [e.seq, e.type])).toEqual([
      [1, 'raised'],
      [2, 'updated'],
      [3, 'acknowledged'],
    ]);
    await feed.close();
    expect((await h.backend.stats()).replayedAtStart).toBe(3);

    clock.advance(10_000);
    await receiver.waitForCount(2);
    expect(receiver.received.map((w) => w.answered)).toEqual([503, 200]);
    expect(receiver.received[0]!.webhookId).toBe(receiver.received[1]!.webhookId);

    // Same readings after the restart are still duplicates; a later reading updates the same task.
    const dup = await ingest(h, [batch[0]]);
    expect(dup.body).toMatchObject({ accepted: 0, duplicates: 1 });
    await ingest(h, [probe(T0 + 2 * MIN, 7)]);
    const resolved = (await h.req('GET', `/api/v1/tasks/${id}`, { token: TOKENS.ops })).body;
    expect(resolved).toMatchObject({ status: 'resolved', version: before.version + 1 });
  });
});
