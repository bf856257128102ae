import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@shelfwatch/service-kit';
import { makeHarness, SECRETS, TOKENS, type Harness } from '../support/harness.js';
import { cameraGap } from '../support/readings.js';
import { scriptedEngines } from '../support/scripted-engine.js';
import { WebhookReceiver } from '@shelfwatch/test-support';

const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;

/** A supplier endpoint that answers every webhook with a redirect to `location`. */
async function redirectingEndpoint(location: string): Promise<{ url: string; hits: number; server: Server }> {
  const state = { url: '', hits: 0, server: undefined as unknown as Server };
  state.server = createServer((req, res) => {
    state.hits += 1;
    req.resume();
    res.writeHead(307, { location }).end();
  });
  state.server.listen(0, '127.0.0.1');
  await once(state.server, 'listening');
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

describe('where supplier webhooks may go', () => {
  let h: Harness | undefined;
  let internal: WebhookReceiver | undefined;
  const servers: Server[] = [];
  afterEach(async () => {
    await h?.stop();
    await h?.dir.remove();
    await internal?.stop();
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    h = undefined;
    internal = undefined;
  });

  const raiseWebhook = async (harness: Harness) => {
    await harness.req('POST', '/api/v1/ingest', { token: TOKENS.device, body: { gatewayId: 'gw-1', readings: [cameraGap(T0, 'slot-3b-1')] } });
    await harness.backend.deliverWebhooks();
    return (await harness.req('GET', '/api/v1/webhooks/deliveries', { token: TOKENS.ops })).body as { attempts: { statusCode: number | null; error: string | null; outcome: string; url: string }[] };
  };

  it('does not follow a redirect (307 to an internal address): a failed attempt, nothing sent there', async () => {
    // What the supplier points the redirect at: an internal service (here on loopback, like a metadata endpoint).
    internal = new WebhookReceiver(SECRETS);
    const internalUrl = await internal.start();
    const supplier = await redirectingEndpoint(`${internalUrl}/dairyco`);
    servers.push(supplier.server);
    h = await makeHarness({ webhookUrl: (id) => `${supplier.url}/${id}` });
    const clock = new ManualClock(Date.now());
    await h.start({ createRuleEngine: scriptedEngines().create, clock, timers: clock });
    const log = await raiseWebhook(h);
    expect(supplier.hits).toBe(1);
    expect(internal.received).toHaveLength(0);
    expect(log.attempts).toEqual([expect.objectContaining({ statusCode: 307, outcome: 'retry', error: 'HTTP 307: redirects are not followed' })]);
  });

  it('refuses a host name that resolves to loopback, checking the address it would connect to', async () => {
    internal = new WebhookReceiver(SECRETS);
    const receiverUrl = new URL(await internal.start());
    // "localhost" passes any check of the URL's text; only the resolved address shows where it goes.
    h = await makeHarness({ webhookUrl: (id) => `http://localhost:${receiverUrl.port}/${id}`, config: { webhooks: { allowPrivateNetworks: [] } } });
    const clock = new ManualClock(Date.now());
    await h.start({ createRuleEngine: scriptedEngines().create, clock, timers: clock });
    const log = await raiseWebhook(h);
    expect(internal.received).toHaveLength(0);
    expect(log.attempts).toHaveLength(1);
    expect(log.attempts[0]).toMatchObject({ statusCode: null, outcome: 'retry' });
    expect(log.attempts[0]!.error).toMatch(/refused destination: localhost resolves to (127\.0\.0\.1|::1) \(loopback\)/);
  });

  it('delivers to the same receiver once its network is allowed in the config', async () => {
    internal = new WebhookReceiver(SECRETS);
    const receiverUrl = new URL(await internal.start());
    h = await makeHarness({ webhookUrl: (id) => `http://localhost:${receiverUrl.port}/${id}`, config: { webhooks: { allowPrivateNetworks: ['127.0.0.0/8', '::1/128'] } } });
    const clock = new ManualClock(Date.now());
    await h.start({ createRuleEngine: scriptedEngines().create, clock, timers: clock });
    const log = await raiseWebhook(h);
    expect(log.attempts).toEqual([expect.objectContaining({ statusCode: 200, outcome: 'delivered' })]);
    expect(internal.received.map((w) => w.verified)).toEqual([true]);
  });
});
