import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@shelfwatch/service-kit';
import { parseBackendConfig, storageLocation } from '../src/config.js';
import { hashToken, MIN_TOKEN_BITS, newToken, tokenBits, tokenWeakness } from '../src/token-policy.js';
import { TokenIndex } from '../src/http/auth.js';

const STRONG = 'Qm9sZCBlbm91Z2ggdG9rZW4gZm9yIGEgc3RvcmU';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const base = {
  http: { port: 0 },
  dbPath: '/tmp/x.sqlite',
  tokens: [{ token: 'env:TOKEN_A', role: 'staff', subject: 'alice' }],
  suppliers: { dairyco: { webhookUrl: 'https://dairyco.example/hooks', webhookSecret: 'env:DAIRY_SECRET' } },
};
const env = { TOKEN_A: STRONG, DAIRY_SECRET: SECRET };

function problems(raw: unknown, e: Record<string, string> = env): string {
  try {
    parseBackendConfig(raw, e);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  return '';
}

describe('backend config', () => {
  it('resolves env: secrets', () => {
    const c = parseBackendConfig(base, env);
    expect(c.tokens[0]?.token).toBe(STRONG);
    expect(c.suppliers.dairyco?.webhookSecret).toBe(SECRET);
    expect(c.demo).toBe(false);
  });

  it('names a missing env variable', () => {
    expect(() => parseBackendConfig(base, { TOKEN_A: STRONG })).toThrow(/DAIRY_SECRET is not set/);
  });

  it('resolves relative paths against the config file folder', () => {
    const c = parseBackendConfig({ ...base, dbPath: 'data/b.sqlite', layoutFiles: ['../layouts/a.json', '/abs/b.json'], webDir: 'web' }, env, { baseDir: '/etc/shelfwatch' });
    expect(c.dbPath).toBe('/etc/shelfwatch/data/b.sqlite');
    expect(c.layoutFiles).toEqual(['/etc/layouts/a.json', '/abs/b.json']);
    expect(c.webDir).toBe('/etc/shelfwatch/web');
  });

  it('chooses the storage: SQLite by dbPath or storage.path, PostgreSQL with its connection string from the environment', () => {
    const { dbPath: _, ...noDb } = base;
    const sqlite = parseBackendConfig({ ...noDb, storage: { kind: 'sqlite', path: 'data/b.sqlite' } }, env, { baseDir: '/etc/shelfwatch' });
    expect(storageLocation(sqlite, env)).toEqual({ kind: 'sqlite', path: '/etc/shelfwatch/data/b.sqlite' });
    expect(storageLocation(parseBackendConfig(base, env), env)).toEqual({ kind: 'sqlite', path: '/tmp/x.sqlite' });
    const url = 'postgres://shelfwatch:pw@db.example:5432/shelfwatch';
    const pg = parseBackendConfig({ ...noDb, storage: { kind: 'postgres' } }, { ...env, SHELFWATCH_DATABASE_URL: url });
    expect(storageLocation(pg, { SHELFWATCH_DATABASE_URL: url })).toEqual({ kind: 'postgres', url });
    const fromFile = parseBackendConfig({ ...noDb, storage: { kind: 'postgres', url: 'env:DB_URL' } }, { ...env, DB_URL: url });
    expect(storageLocation(fromFile, {})).toEqual({ kind: 'postgres', url });
    expect(problems({ ...noDb, storage: { kind: 'postgres' } })).toContain('PostgreSQL needs a connection string, in the config or in SHELFWATCH_DATABASE_URL');
    expect(problems({ ...base, storage: { kind: 'postgres', url } })).toContain('dbPath and storage: give one of them, not both');
    expect(problems(noDb)).toContain('storage: give dbPath (SQLite) or storage');
  });

  it('reports missing env variables with the other problems, one line per path', () => {
    let error: unknown;
    try {
      parseBackendConfig({ ...base, http: { port: -1 } }, {}, { source: 'backend.yaml' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { issues, message } = error as ConfigError;
    expect(message.split('\n')[0]).toBe('invalid backend config in backend.yaml:');
    expect(issues).toContain('tokens[0].token: environment variable TOKEN_A is not set');
    expect(issues).toContain('suppliers.dairyco.webhookSecret: environment variable DAIRY_SECRET is not set');
    expect(issues.filter((i) => i.startsWith('http.port: '))).toHaveLength(1);
    expect(issues).toHaveLength(3);
  });

  it('reports every invalid field at once', () => {
    const message = problems({ ...base, http: { port: -1 }, tokens: [{ token: 'short', role: 'boss', subject: 'x' }] }, { DAIRY_SECRET: 'nope' });
    expect(message).toContain('http.port');
    expect(message).toContain('tokens[0].token');
    expect(message).toContain('tokens[0].role');
    expect(message).toContain('whsec_');
  });
});

describe('secrets outside demo mode', () => {
  const withToken = (token: string) => ({ ...base, tokens: [{ token, role: 'staff', subject: 'alice' }] });

  it.each([
    ['a published demo token', 'demo-staff-token-0001', 'published'],
    ['the old docker-compose fallback', 'demo-only-staff-token-00001', 'published'],
    ['a repeated character', 'aaaaaaaaaaaaaaaa', 'bits of entropy'],
    ['a counting sequence', 'token-0123456789abcdefghij', 'bits of entropy'],
    ['too short for 128 bits', 'b7F2kQ9xZp3LmW8vT4', 'bits of entropy'],
  ])('refuses %s', (_what, token, why) => {
    const message = problems(withToken(token));
    expect(message).toContain('tokens[0].token (subject alice)');
    expect(message).toContain(why);
    expect(message).toContain('npm run token');
  });

  it('refuses to start with no tokens at all, or with a published demo webhook secret', () => {
    expect(problems({ ...base, tokens: [] })).toContain('tokens: none configured');
    expect(problems(base, { ...env, DAIRY_SECRET: 'whsec_ZGVtby1mcmVzaGZhcm0td2ViaG9vay1zZWNyZXQtMDAwMQ==' })).toContain('suppliers.dairyco.webhookSecret: refused');
  });

  it('accepts all of that in explicit demo mode', () => {
    const c = parseBackendConfig({ ...withToken('demo-staff-token-0001'), demo: true }, env);
    expect(c.demo).toBe(true);
    expect(parseBackendConfig({ ...base, tokens: [], demo: true }, env).tokens).toEqual([]);
  });

  it('takes a token stored only as its hash, and authenticates the token itself', () => {
    const { token, tokenHash } = newToken();
    const c = parseBackendConfig({ ...base, tokens: [{ tokenHash, role: 'operations', subject: 'olga' }] }, env);
    expect(new TokenIndex(c.tokens).find(token)).toMatchObject({ role: 'operations', subject: 'olga' });
    expect(new TokenIndex(c.tokens).find(`${token}x`)).toBeUndefined();
    expect(problems({ ...base, tokens: [{ tokenHash: 'md5:abc', role: 'staff', subject: 'x' }] })).toContain('sha256:');
    expect(problems({ ...base, tokens: [{ token: STRONG, tokenHash: hashToken(STRONG), role: 'staff', subject: 'x' }] })).toContain('either token or tokenHash');
    expect(problems({ ...base, tokens: [{ token: STRONG, role: 'staff', subject: 'a' }, { tokenHash: hashToken(STRONG), role: 'staff', subject: 'b' }] })).toContain('listed twice');
  });
});

describe('supplier endpoints are validated at start', () => {
  const supplier = (webhookUrl: string, webhookSecret = SECRET) => ({ ...base, suppliers: { dairyco: { webhookUrl, webhookSecret } } });

  it.each([
    ['a secret without whsec_', 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', 'whsec_<base64>'],
    ['an empty secret', 'whsec_', 'not base64'],
    ['a secret that is not base64', 'whsec_not*base64!at-all-really', 'not base64'],
    ['a secret shorter than 24 bytes', 'whsec_c2hvcnQtc2VjcmV0', 'at least 24 bytes'],
  ])('refuses %s', (_what, secret, why) => {
    expect(problems(supplier('https://dairyco.example/hooks', secret))).toContain(why);
  });

  it('refuses URLs that are not http(s), and loopback, link-local or private addresses unless their network is allowed', () => {
    expect(problems(supplier('ftp://dairyco.example/hooks'))).toContain('http(s)');
    expect(problems(supplier('http://127.0.0.1:8080/hooks'))).toContain('loopback');
    expect(problems(supplier('http://169.254.169.254/latest/meta-data'))).toContain('linkLocal');
    expect(problems(supplier('http://10.1.2.3/hooks'))).toContain('private');
    expect(problems(supplier('http://[::1]:8080/hooks'))).toContain('loopback');
    expect(problems({ ...supplier('http://127.0.0.1:8080/hooks'), webhooks: { allowPrivateNetworks: ['127.0.0.1/32'] } })).toBe('');
    expect(problems({ ...base, webhooks: { allowPrivateNetworks: ['not-a-cidr'] } })).toContain('CIDR');
  });
});

describe('token strength', () => {
  it('rates random tokens of 32 hex or 22 base64 characters at 128 bits or more, patterns at 0', () => {
    expect(tokenBits('9f86d081884c7d659a2feaa0c55ad015')).toBe(128);
    expect(tokenBits('Xq2_b8Zk-Lw9fR4tY7uP1c')).toBeGreaterThanOrEqual(MIN_TOKEN_BITS);
    expect(tokenBits('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBe(0);
    expect(tokenBits('abcdefghijklmnopqrstuvwxyz012345')).toBe(0);
    expect(tokenWeakness(newToken().token)).toBeNull();
  });
});

describe('the compose stack configuration', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const exampleEnv = async () =>
    Object.fromEntries(
      (await readFile(path.join(root, 'config/compose/example.env'), 'utf8'))
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => l.split('=') as [string, string]),
    );

  it("refuses the example env file's placeholders, and starts with tokens of its own", async () => {
    const raw = JSON.parse(await readFile(path.join(root, 'config/compose/backend.json'), 'utf8')) as unknown;
    const env = await exampleEnv();
    expect(Object.keys(env).sort()).toEqual(['SHELFWATCH_GATEWAY_TOKEN', 'SHELFWATCH_OPERATIONS_TOKEN', 'SHELFWATCH_POSTGRES_PASSWORD', 'SHELFWATCH_STAFF_TOKEN']);
    const message = problems(raw, env);
    for (const subject of ['gw-demo-store', 'staff-demo', 'ops-demo']) expect(message).toContain(`(subject ${subject}): refused because it is a published`);
    const own = Object.fromEntries(Object.keys(env).map((k) => [k, newToken().token]));
    expect(parseBackendConfig(raw, own).tokens).toHaveLength(3);
  });

  it("gives the chain's replicas the same tokens, on PostgreSQL from SHELFWATCH_DATABASE_URL", async () => {
    const single = JSON.parse(await readFile(path.join(root, 'config/compose/backend.json'), 'utf8')) as { tokens: unknown };
    const raw = JSON.parse(await readFile(path.join(root, 'config/compose-chain/backend.json'), 'utf8')) as { tokens: unknown };
    expect(raw.tokens).toEqual(single.tokens);
    const own = Object.fromEntries(Object.keys(await exampleEnv()).map((k) => [k, newToken().token]));
    expect(problems(raw, own)).toContain('SHELFWATCH_DATABASE_URL');
    const config = parseBackendConfig(raw, { ...own, SHELFWATCH_DATABASE_URL: 'postgres://shelfwatch:pw@postgres:5432/shelfwatch' });
    expect(config.storage).toEqual({ kind: 'postgres' });
    expect(config.tokens).toHaveLength(3);
  });
});
