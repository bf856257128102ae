/* eslint-disable @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON checked with expect() */
import type { Reading } from '@shelfwatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@shelfwatch/service-kit';
import { makeHarness, SECRETS, TOKENS, type Harness } from '../support/harness.js';
import { storeMinutes, RECENT_T0 } from '../support/readings.js';
import { SseClient } from '../support/sse-client.js';
import { WebhookReceiver } from '@shelfwatch/test-support';

const T0 = RECENT_T0;

const minutes = (from: number, to: number, o: { units: number }): Reading[] => storeMinutes(T0, from, to, o);

describe('backend with the real rules engine (default wiring)', () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  let feed: SseClient;

  beforeAll(async () => {
    receiver = new WebhookReceiver(SECRETS);
    const base = await receiver.start();
    h = await makeHarness({ webhookUrl: (id) => `${base}/${id}` });
    const clock = new ManualClock(Date.now());
    await h.start({ clock, timers: clock });
    feed = await SseClient.open(`${h.backend.url}/api/v1/alerts/stream?access_token=${TOKENS.staff}`);
  });
  afterAll(async () => {
    await feed?.close();
    await h?.stop();
    await h?.dir.remove();
    await receiver?.stop();
  });

  it('readings of an emptied shelf raise an out_of_stock task on the SSE feed and a signed replenishment webhook', async () => {
    const res = await h.req('POST', '/api/v1/ingest', {
      token: TOKENS.device,
      body: {
        gatewayId: 'gw-1',
        // Emptied at minute 1; both sensors agree for three minutes; minute 5 settles minute 4.
        readings: [...minutes(0, 0, { units: 10 }), ...minutes(1, 5, { units: 0 })],
      },
    });
    expect(res.body).toMatchObject({ accepted: 24, duplicates: 0 });
    const raised = await feed.nextTask((e) => e.type === 'raised' && e.task.kind === 'out_of_stock');
    expect(raised.task).toMatchObject({ storeId: 'store-1', status: 'open', location: { slotId: 'slot-3b-1' } });
    expect(raised.task.products.map((p) => p.sku)).toContain('MILK-1L');
    expect(raised.task.reason.length).toBeGreaterThan(10);

    await receiver.waitForCount(1);
    expect(receiver.received[0]).toMatchObject({ supplierId: 'dairyco', verified: true, answered: 200 });

    const shelf = await h.req('GET', '/api/v1/stores/store-1/shelves/shelf-3b', { token: TOKENS.staff });
    expect(shelf.status).toBe(200);
    expect(shelf.body.slots[0]).toMatchObject({ slotId: 'slot-3b-1', unitsByWeight: 0 });
    const cases = await h.req('GET', '/api/v1/stores/store-1/cases', { token: TOKENS.staff });
    expect(cases.body.map((c: { caseId: string }) => c.caseId)).toEqual(['case-4']);
    const compliance = await h.req('GET', '/api/v1/stores/store-1/compliance', { token: TOKENS.staff });
    expect(compliance.status).toBe(200);
  });

  it('a restock seen on the shelf resolves the task', async () => {
    await h.req('POST', '/api/v1/ingest', {
      token: TOKENS.device,
      body: { gatewayId: 'gw-1', readings: minutes(6, 7, { units: 12 }) },
    });
    const resolved = await feed.nextTask((e) => e.type === 'resolved' && e.task.kind === 'out_of_stock');
    expect(resolved.task.status).toBe('resolved');
  });
});
