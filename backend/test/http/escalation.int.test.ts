import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@shelfwatch/service-kit';
import { makeHarness, TOKENS, type Harness } from '../support/harness.js';
import { weight } from '../support/readings.js';
import { scriptedEngines } from '../support/scripted-engine.js';
import { SseClient } from '../support/sse-client.js';

const MIN = 60_000;

describe('escalation over HTTP with an injected clock', () => {
  let h: Harness;
  let feed: SseClient;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    // Readings run up to 25 min ahead of the clock, as in an accelerated simulation: allowed explicitly.
    h = await makeHarness({ config: { escalation: { out_of_stock: 10 }, eventTime: { maxAheadMs: 30 * MIN } } });
    await h.start({ createRuleEngine: scriptedEngines().create, clock, timers: clock, tickMs: 1000 });
    feed = await SseClient.open(`${h.backend.url}/api/v1/alerts/stream?access_token=${TOKENS.ops}`);
  });
  afterAll(async () => {
    await feed.close();
    await h.stop();
    await h.dir.remove();
  });

  it('an unacknowledged task escalates when its kind time passes with no further readings', async () => {
    const t0 = clock.now();
    await h.req('POST', '/api/v1/ingest', { token: TOKENS.device, body: { gatewayId: 'gw-1', readings: [weight(t0, 0)] } });
    const raised = await feed.nextTask((e) => e.type === 'raised');
    clock.advance(9 * MIN);
    // Ticks run synchronously inside advance(): the stored task is final here.
    const early = await h.req('GET', `/api/v1/tasks/${raised.task.id}`, { token: TOKENS.staff });
    expect(early.body).toMatchObject({ escalationLevel: 0, version: 1 });
    clock.advance(1 * MIN + 1000);
    const escalated = await feed.nextTask((e) => e.type === 'escalated');
    expect(escalated.task).toMatchObject({ id: raised.task.id, escalationLevel: 1, status: 'open' });
    const task = await h.req('GET', `/api/v1/tasks/${raised.task.id}`, { token: TOKENS.staff });
    const history = task.body.history as { action: string; by: string }[];
    expect(history[history.length - 1]).toMatchObject({ action: 'escalated', by: 'system' });
  });

  it('an event-time jump in the readings escalates too (accelerated simulation)', async () => {
    const t = clock.now();
    await h.req('POST', '/api/v1/ingest', { token: TOKENS.device, body: { gatewayId: 'gw-1', readings: [weight(t, 0, { slotId: 'slot-3b-2', sku: 'BREAD-500', channel: 1 })] } });
    const raised = await feed.nextTask((e) => e.type === 'raised' && e.task.locationKey === 'slot:slot-3b-2');
    await h.req('POST', '/api/v1/ingest', { token: TOKENS.device, body: { gatewayId: 'gw-1', readings: [weight(t + 25 * MIN, 0, { slotId: 'slot-3b-2', sku: 'BREAD-500', channel: 1 })] } });
    const escalated = await feed.nextTask((e) => e.type === 'escalated' && e.task.id === raised.task.id && e.task.escalationLevel === 2);
    expect(escalated.task.status).toBe('open');
  });
});
