import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, makeTempDir, testLayout, waitUntil, WebhookReceiver, weightReading, type ManagedProcess, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendGet, backendPost, BACKEND_TOKENS, spawnBackend, SUPPLIER_SECRET, writeBackendConfig } from './support/backend-process.js';

/** Low-stock cycles: each drop below the reorder point after a refill asks the supplier again. */
const CYCLES = 6;
const MIN = 60_000;

interface DeliveryLog {
  messages: { webhookId: string; status: string; attempts: number }[];
  attempts: { webhookId: string; outcome: string; statusCode: number | null }[];
}

describe('drill: supplier webhook receiver answering 500 for a while, through the backend process', () => {
  let dir: TempDir;
  let backend: { proc: ManagedProcess; url: string };
  const receiver = new WebhookReceiver({ 'sup-1': SUPPLIER_SECRET });
  let failing = true;

  beforeAll(async () => {
    dir = await makeTempDir('drill-webhooks');
    const base = await receiver.start();
    receiver.respond = () => (failing ? 500 : 200);
    const layoutFile = path.join(dir.path, 'layout.json');
    await writeFile(layoutFile, JSON.stringify(testLayout()));
    const { configFile } = await writeBackendConfig({ dir: dir.path, layoutFile, port: await freePort(), webhookUrl: `${base}/sup-1` });
    backend = await spawnBackend(configFile);
  });
  afterAll(async () => {
    await backend?.proc.stop();
    await receiver.stop();
    await dir?.remove();
  });

  it('webhooks requested = webhooks delivered, once per webhook-id, each verified', async () => {
    const t0 = Date.now() - 3 * 3_600_000;
    let seq = 0;
    for (let c = 0; c < CYCLES; c++) {
      const t = t0 + c * 20 * MIN;
      // Full shelf, down to 2 units (reorder point 5, no backroom stock) and refilled a minute later:
      // one request per drop, and no sales pace for the forecast to order on (units back within
      // minutes were never sold), so the count does not hang on the time of day.
      const readings = [weightReading(seq++, t, 20, true), weightReading(seq++, t + MIN, 2, true), weightReading(seq++, t + 2 * MIN, 20, true)];
      const res = await backendPost(backend.url, '/api/v1/ingest', { gatewayId: 'gw-1', readings }, BACKEND_TOKENS.device);
      expect(res.status).toBe(200);
    }
    // The rules decide a minute once every device has reported past it, or the reordering
    // window (10 min) later: one more reading settles the last drop.
    const last = await backendPost(backend.url, '/api/v1/ingest', { gatewayId: 'gw-1', readings: [weightReading(seq++, t0 + CYCLES * 20 * MIN, 20, true)] }, BACKEND_TOKENS.device);
    expect(last.status).toBe(200);
    const requested = await waitUntil(async () => {
      const log = await backendGet<DeliveryLog>(backend.url, '/api/v1/webhooks/deliveries', BACKEND_TOKENS.supplier);
      return log.messages.length >= CYCLES ? log.messages : null;
    }, { what: `${CYCLES} webhooks requested`, timeoutMs: 30_000, intervalMs: 100 });
    expect(requested).toHaveLength(CYCLES);
    // Every webhook is refused at least once before the receiver recovers.
    await waitUntil(() => new Set(receiver.received.map((w) => w.webhookId)).size === CYCLES, { what: 'a first (refused) attempt of every webhook', timeoutMs: 30_000, intervalMs: 50 });
    const refused = receiver.received.length;
    failing = false;

    const log = await waitUntil(async () => {
      const l = await backendGet<DeliveryLog>(backend.url, '/api/v1/webhooks/deliveries', BACKEND_TOKENS.supplier);
      return l.messages.every((m) => m.status === 'delivered') ? l : null;
    }, { what: 'every webhook marked delivered', timeoutMs: 90_000, intervalMs: 200 });

    const ids = requested.map((m) => m.webhookId).sort();
    expect([...receiver.processed.keys()].sort()).toEqual(ids);
    expect([...receiver.processed.values()].every((n) => n === 1)).toBe(true);
    expect(receiver.received.every((w) => w.verified)).toBe(true);
    expect(receiver.received.filter((w) => w.answered === 500)).toHaveLength(refused);
    expect(log.attempts.filter((a) => a.outcome === 'delivered')).toHaveLength(CYCLES);
    console.info(JSON.stringify({ drill: 'webhook-500', requested: CYCLES, refusedAttempts: refused, receivedTotal: receiver.received.length, deliveredOncePerId: receiver.processed.size }));
  });
});
