import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, TOKENS, type Harness } from '../support/harness.js';
import { probe } from '../support/readings.js';

const MIN = 60_000;

describe('API hardening: content types, authentication before parsing, strict queries, lengths, headers', () => {
  let h: Harness;
  let taskId = '';

  const post = (urlPath: string, init: { token?: string; contentType?: string; body?: string }) =>
    fetch(`${h.backend.url}${urlPath}`, {
      method: 'POST',
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      ...(init.body === undefined ? {} : { body: init.body }),
    });

  beforeAll(async () => {
    h = await makeHarness();
    const webDir = path.join(h.dir.path, 'web');
    await mkdir(path.join(webDir, 'assets'), { recursive: true });
    await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>staff</title>');
    await writeFile(path.join(webDir, 'assets', 'app.js'), 'console.log(1)\n//# sourceMappingURL=app.js.map');
    await writeFile(path.join(webDir, 'assets', 'app.js.map'), '{"version":3,"sources":["../src/secret-logic.ts"]}');
    await h.start({ webDir });
    const now = Date.now();
    // A probe reporting its own fault is a task at once (the rules need no reordering window for it).
    const faults = [probe(now - 2 * MIN, 3.5), { ...probe(now - MIN, 0), tempC: null, fault: 'open_circuit' as const }];
    await h.req('POST', '/api/v1/ingest', { token: TOKENS.device, body: { gatewayId: 'gw-1', readings: faults } });
    const tasks = await h.req('GET', '/api/v1/tasks?status=open', { token: TOKENS.staff });
    taskId = tasks.body.tasks[0].id as string;
  });
  afterAll(async () => {
    await h.stop();
    await h.dir.remove();
  });

  it('refuses a body of the wrong Content-Type with 415 before doing anything: a Done as text/plain leaves the task open', async () => {
    const done = await post(`/api/v1/tasks/${taskId}/done`, { token: TOKENS.staff, contentType: 'text/plain', body: JSON.stringify({ note: 'discarded 6 packs' }) });
    expect(done.status).toBe(415);
    expect(((await done.json()) as { error: string }).error).toBe('unsupported_media_type');
    expect((await h.req('GET', `/api/v1/tasks/${taskId}`, { token: TOKENS.staff })).body.status).toBe('open');
    for (const [url, token] of [
      ['/api/v1/ingest', TOKENS.device],
      ['/api/v1/deliveries', TOKENS.dairy],
    ] as const) {
      expect((await post(url, { token, contentType: 'application/x-www-form-urlencoded', body: 'a=1' })).status, url).toBe(415);
    }
    // No body at all is still fine where none is needed; JSON is what it was.
    expect((await post(`/api/v1/tasks/${taskId}/ack`, { token: TOKENS.staff })).status).toBe(200);
    const ok = await post(`/api/v1/tasks/${taskId}/done`, { token: TOKENS.staff, contentType: 'application/json', body: JSON.stringify({ note: 'discarded 6 packs' }) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { note: string }).note).toBe('discarded 6 packs');
  });

  it('authenticates before reading a body: no token means 401 whatever is sent', async () => {
    const big = JSON.stringify({ note: 'x'.repeat(5 * 1024 * 1024) });
    expect((await post(`/api/v1/tasks/${taskId}/done`, { contentType: 'application/json', body: big })).status).toBe(401);
    expect((await post(`/api/v1/tasks/${taskId}/done`, { contentType: 'application/json', body: '{not json' })).status).toBe(401);
    expect((await post('/api/v1/ingest', { contentType: 'application/json', body: '{not json' })).status).toBe(401);
  });

  it('parses query numbers strictly', async () => {
    for (const q of ['limit=', 'limit=0x10', 'limit=%205', 'limit=1e3', 'limit=5.5']) {
      const res = await h.req('GET', `/api/v1/tasks?${q}`, { token: TOKENS.staff });
      expect(res.status, q).toBe(400);
    }
    expect((await h.req('GET', '/api/v1/tasks?limit=5', { token: TOKENS.staff })).status).toBe(200);
    expect((await h.req('GET', '/api/v1/webhooks/deliveries?limit=0x10', { token: TOKENS.ops })).status).toBe(400);
  });

  it('refuses over-long free text: a 900 KB requestId on a delivery never reaches a task', async () => {
    const body = JSON.stringify({ storeId: 'store-1', requestId: 'r'.repeat(900 * 1024), deliveryId: 'dlv-long', expectedAt: Date.now(), lines: [{ sku: 'MILK-1L', quantity: 6 }] });
    const res = await post('/api/v1/deliveries', { token: TOKENS.dairy, contentType: 'application/json', body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('requestId');
  });

  it('sends security headers on every response and never serves source maps', async () => {
    for (const url of ['/healthz', '/api/v1/tasks', '/', '/assets/app.js', '/nope']) {
      const res = await fetch(`${h.backend.url}${url}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-frame-options'), url).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), url).toBe('no-referrer');
      await res.body?.cancel();
    }
    expect((await fetch(`${h.backend.url}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${h.backend.url}/assets/app.js.map`)).status).toBe(404);
  });
});
