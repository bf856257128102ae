import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { authenticate, BearerTokens, sameSecret, secretDigest } from '../src/bearer.js';
import { errorMiddleware, HttpError, validate } from '../src/http-error.js';

class Gone extends Error {}

const logged: { level: number; msg: string; url?: string }[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
const tokens = new BearerTokens([
  { digest: secretDigest('alice-token'), principal: 'alice' },
  { digest: secretDigest('bob-token'), principal: 'bob' },
]);

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json({ limit: '1kb' }));
  app.post('/items', (req, res) => res.json(validate(z.object({ n: z.number().int() }).strict(), req.body, 'item')));
  app.get('/conflict', () => {
    throw new HttpError(409, 'conflict', 'already done', { id: 7 });
  });
  app.get('/gone', () => {
    throw new Gone('deleted yesterday');
  });
  app.get('/boom', () => {
    throw new Error('database file is locked');
  });
  app.get('/me', (req, res) => res.json({ who: authenticate(req, res, tokens, { allowQueryToken: true }) }));
  app.use(errorMiddleware({ logger, classify: (err) => (err instanceof Gone ? new HttpError(410, 'gone', err.message) : undefined) }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function call(path: string, init?: RequestInit) {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, body: await res.json(), authenticate: res.headers.get('www-authenticate') };
}

const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('errorMiddleware', () => {
  it('answers an HttpError with its status, code, message and details', async () => {
    expect(await call('/conflict')).toMatchObject({ status: 409, body: { error: 'conflict', message: 'already done', details: { id: 7 } } });
  });

  it('answers a failed validation with 400 and every problem', async () => {
    const r = await call('/items', post('{"n":1.5,"x":1}'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'validation_failed', message: expect.stringContaining('invalid item') as string });
    expect((r.body as { details: unknown[] }).details).toHaveLength(2);
  });

  it('maps a service’s own errors through classify', async () => {
    expect(await call('/gone')).toMatchObject({ status: 410, body: { error: 'gone', message: 'deleted yesterday' } });
  });

  it('answers bad JSON and oversized bodies as the client’s errors', async () => {
    expect(await call('/items', post('{"n":'))).toMatchObject({ status: 400, body: { error: 'bad_json' } });
    expect(await call('/items', post(JSON.stringify({ n: 1, pad: 'x'.repeat(2000) })))).toMatchObject({ status: 413, body: { error: 'too_large' } });
  });

  it('answers anything else with a bare 500 and keeps the details in the log', async () => {
    expect(await call('/boom')).toEqual({ status: 500, body: { error: 'internal', message: 'internal error' }, authenticate: null });
    expect(logged.find((l) => l.level === 50)).toMatchObject({ msg: 'request failed', url: '/boom' });
  });
});

describe('bearer tokens', () => {
  it('finds who a token stands for, and nobody for a wrong one', async () => {
    expect(tokens.find('bob-token')).toBe('bob');
    expect(tokens.find('bob-token ')).toBeUndefined();
    expect(BearerTokens.of(['a', 'b'], 'admin').find('b')).toBe('admin');
    expect(await call('/me', { headers: { authorization: 'Bearer alice-token' } })).toMatchObject({ status: 200, body: { who: 'alice' } });
    expect(await call('/me', { headers: { authorization: 'bearer   bob-token' } })).toMatchObject({ status: 200, body: { who: 'bob' } });
  });

  it('refuses a missing, malformed or unknown token with 401 and says why', async () => {
    expect(await call('/me')).toMatchObject({ status: 401, body: { message: 'missing bearer token' }, authenticate: 'Bearer' });
    expect(await call('/me', { headers: { authorization: 'Basic YTpi' } })).toMatchObject({ status: 401, body: { message: expect.stringContaining('Bearer <token>') as string } });
    expect(await call('/me', { headers: { authorization: 'Bearer carol-token' } })).toMatchObject({ status: 401, body: { message: 'unknown bearer token' }, authenticate: 'Bearer error="invalid_token"' });
  });

  it('takes ?access_token= where allowed, and keeps it out of the log', async () => {
    expect(await call('/me?access_token=alice-token')).toMatchObject({ status: 200, body: { who: 'alice' } });
    await call('/me?access_token=guessed');
    expect(logged.at(-1)).toMatchObject({ msg: 'request rejected', url: '/me?access_token=[redacted]' });
  });

  it('compares secrets whatever their lengths', () => {
    expect(sameSecret('s3cret', 's3cret')).toBe(true);
    expect(sameSecret('s3cret', 's3cret-and-more')).toBe(false);
    expect(sameSecret('', 'x')).toBe(false);
  });
});
