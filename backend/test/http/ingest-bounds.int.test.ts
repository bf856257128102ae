import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, TOKENS, type Harness } from '../support/harness.js';
import { probe, weight } from '../support/readings.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('ingest bounds event time against the backend clock', () => {
  let h: Harness;
  const ingest = (readings: unknown[]) => h.req('POST', '/api/v1/ingest', { token: TOKENS.device, body: { gatewayId: 'gw-1', readings } });

  beforeAll(async () => {
    h = await makeHarness();
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
    await h.dir.remove();
  });

  it('refuses a whole batch with a year-2100 or a days-old reading (422 naming them), applies nothing, counts them', async () => {
    const now = Date.now();
    const good = weight(now - MIN, 0);
    const future = probe(Date.UTC(2100, 0, 1), 4);
    const stale = probe(now - 50 * HOUR, 4);
    const res = await ingest([good, future, stale]);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('event_time_out_of_bounds');
    expect(res.body.message).toContain('ahead of');
    expect(res.body.details).toEqual([
      { readingId: future.id, ts: future.ts, reason: 'ts_ahead' },
      { readingId: stale.id, ts: stale.ts, reason: 'ts_too_old' },
    ]);
    // Nothing of the batch was applied: the good reading alone is new.
    expect((await ingest([good])).body).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });
    const metrics = (await h.req('GET', '/metrics')).body as string;
    expect(metrics).toContain('shelfwatch_backend_readings_total{result="ts_ahead"} 1');
    expect(metrics).toContain('shelfwatch_backend_readings_total{result="ts_too_old"} 1');
    // The store's clock did not move to 2100.
    const health = await h.req('GET', '/healthz');
    expect(health.status).toBe(200);
    const compliance = await h.req('GET', '/api/v1/stores/store-1/compliance', { token: TOKENS.ops });
    expect(compliance.body.at).toBeLessThan(now + HOUR);
  });

  it('refuses a batch with a NUL character in a reading id or status detail (no database stores it), applies nothing', async () => {
    const good = weight(Date.now() - MIN, 0);
    const badId = { ...probe(Date.now() - MIN, 4), id: 'probe-4a:\u0000:1' };
    const badDetail = { id: 'board-3b:status:nul', storeId: 'store-1', deviceId: 'board-3b', ts: Date.now() - MIN, kind: 'device.status', deviceKind: 'weight_board', online: false, detail: 'cut\u0000' };
    const res = await ingest([good, badId, badDetail]);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('nul_character');
    expect(res.body.details).toEqual([{ readingId: badId.id }, { readingId: badDetail.id }]);
    expect((await ingest([good])).body).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });
  });

  it('accepts readings just inside the bound (a few minutes ahead, a day behind)', async () => {
    const now = Date.now();
    const res = await ingest([probe(now + 4 * MIN, 4), probe(now - 24 * HOUR, 4)]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
  });
});
