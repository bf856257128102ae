import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRole } from '../../src/http/auth.js';
import { makeHarness, TOKENS, type Harness } from '../support/harness.js';
import { scriptedEngines } from '../support/scripted-engine.js';

describe('app composition: static web app and extra routers', () => {
  let h: Harness;
  const rules = scriptedEngines();

  beforeAll(async () => {
    h = await makeHarness({ config: { limits: { chilled: { alarmCeilingC: 7 } } } });
    const webDir = path.join(h.dir.path, 'web');
    await mkdir(webDir);
    await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>ShelfWatch staff</title>');
    await h.start({
      createRuleEngine: rules.create,
      webDir,
      extraRouters: (ctx) => {
        const r = Router();
        r.get('/api/v1/reports/ping', requireRole(ctx.tokens, ['operations']), (_req, res) => {
          res.json({ stores: ctx.engines.storeIds() });
        });
        return [r];
      },
    });
  });
  afterAll(async () => {
    await h.stop();
    await h.dir.remove();
  });

  it('serves the staff app at / and its client-side routes, but not over /api', async () => {
    const root = await fetch(`${h.backend.url}/`);
    expect(await root.text()).toContain('ShelfWatch staff');
    const deep = await fetch(`${h.backend.url}/tasks/123`);
    expect(await deep.text()).toContain('ShelfWatch staff');
    expect((await h.req('GET', '/api/v1/unknown', { token: TOKENS.staff })).status).toBe(404);
  });

  it('passes configured cold-chain limits over the defaults to the rules', () => {
    expect(rules.engines[0]?.model.limits.chilled).toMatchObject({ alarmCeilingC: 7, productLimitC: 5 });
    expect(rules.engines[0]?.model.limits.frozen.alarmCeilingC).toBe(-15);
  });

  it('mounts extra routers with the same auth and error boundary', async () => {
    expect(await h.req('GET', '/api/v1/reports/ping', { token: TOKENS.ops })).toEqual({ status: 200, body: { stores: ['store-1'] } });
    expect((await h.req('GET', '/api/v1/reports/ping', { token: TOKENS.staff })).status).toBe(403);
  });
});
