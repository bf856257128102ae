import { describe, expect, it } from 'vitest';
import { ConfigError, parseBackendConfig } from '../src/config.js';

const base = {
  http: { port: 0 },
  dbPath: '/tmp/x.sqlite',
  tokens: [{ token: 'env:TOKEN_A', role: 'staff', subject: 'alice' }],
  suppliers: { dairyco: { webhookUrl: 'http://127.0.0.1:1/x', webhookSecret: 'env:DAIRY_SECRET' } },
};

describe('backend config', () => {
  it('resolves env: secrets', () => {
    const c = parseBackendConfig(base, { TOKEN_A: 'a-token-of-sixteen-chars', DAIRY_SECRET: 'whsec_abc' });
    expect(c.tokens[0]?.token).toBe('a-token-of-sixteen-chars');
    expect(c.suppliers.dairyco?.webhookSecret).toBe('whsec_abc');
  });

  it('names a missing env variable', () => {
    expect(() => parseBackendConfig(base, { TOKEN_A: 'a-token-of-sixteen-chars' })).toThrow(/DAIRY_SECRET is not set/);
  });

  it('reports every invalid field at once', () => {
    let message = '';
    try {
      parseBackendConfig({ ...base, http: { port: -1 }, tokens: [{ token: 'short', role: 'boss', subject: 'x' }] }, { DAIRY_SECRET: 'nope' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('http.port');
    expect(message).toContain('tokens[0].token');
    expect(message).toContain('tokens[0].role');
    expect(message).toContain('whsec_');
  });
});
