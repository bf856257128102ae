import { describe, expect, it } from 'vitest';
import { ConfigError } from '@shelfwatch/service-kit';
import { parseGatewayConfig } from '../src/config.js';
import { DEFAULT_MQTT_PORT } from '../src/inputs/mqtt/config.js';

const valid = {
  gatewayId: 'gw-1',
  layoutFile: 'layout.json',
  credentialsFile: 'secrets/credentials.json',
  mqtt: { mode: 'embedded' },
  serial: { boards: { 'board-1': { path: '/dev/ttyUSB0' } } },
  opcua: { controllers: { 'ctrl-1': { endpointUrl: 'opc.tcp://10.0.0.5:4840' } }, pkiDir: 'pki' },
  influx: { url: 'http://127.0.0.1:8086' },
  backend: { url: 'http://127.0.0.1:3000', token: 'a-long-token' },
  outbox: { path: 'data/outbox.db' },
  http: { port: 9100 },
};

describe('gateway configuration', () => {
  it('applies defaults and resolves paths against the config folder', () => {
    const c = parseGatewayConfig(valid, { baseDir: '/etc/shelfwatch', env: {} });
    // The parsed default (no socket is opened here); tests that listen use port 0.
    expect(c.mqtt).toEqual({ mode: 'embedded', host: '127.0.0.1', port: DEFAULT_MQTT_PORT, plaintext: true, maxPacketBytes: 64 * 1024, maxConnectionsPerDevice: 2, maxSubscriptionsPerDevice: 10 });
    expect(c.opcua).toMatchObject({ securityPolicy: 'Basic256Sha256', allowInsecure: false, publishingIntervalMs: 250 });
    expect(DEFAULT_MQTT_PORT).toBe(1883);
    expect(c.layoutFile).toBe('/etc/shelfwatch/layout.json');
    expect(c.outbox.path).toBe('/etc/shelfwatch/data/outbox.db');
    expect(c.opcua?.pkiDir).toBe('/etc/shelfwatch/pki');
    expect(c.serial?.boards['board-1']?.path).toBe('/dev/ttyUSB0');
  });

  it('refuses an OPC UA publishing interval below what a server grants', () => {
    const opcua = (publishingIntervalMs: number) => ({ ...valid, opcua: { ...valid.opcua, publishingIntervalMs } });
    expect(parseGatewayConfig(opcua(50), { baseDir: '/', env: {} }).opcua?.publishingIntervalMs).toBe(50);
    expect(() => parseGatewayConfig(opcua(10), { baseDir: '/', env: {} })).toThrow('opcua.publishingIntervalMs');
  });

  it('takes one backend URL or a list of them to fail over between, and parses both into a list', () => {
    const backend = (b: object) => parseGatewayConfig({ ...valid, backend: { token: 'a-long-token', ...b } }, { baseDir: '/', env: {} }).backend;
    expect(backend({ url: 'http://b:3000' })).toEqual({ urls: ['http://b:3000'], token: 'a-long-token' });
    expect(backend({ urls: ['http://b1:3000', 'https://b2/shelfwatch'] }).urls).toEqual(['http://b1:3000', 'https://b2/shelfwatch']);
  });

  it.each([
    ['neither url nor urls', {}, 'backend: give exactly one of backend.url (one backend) and backend.urls'],
    ['both url and urls', { url: 'http://b:3000', urls: ['http://c:3000'] }, 'backend: give exactly one of backend.url'],
    ['an empty list', { urls: [] }, 'backend.urls:'],
    ['more than 8 URLs', { urls: Array.from({ length: 9 }, (_, i) => `http://b${i}:3000`) }, 'backend.urls:'],
    ['the same backend twice', { urls: ['http://b:3000', 'http://b:3000/'] }, 'backend.urls: must not name the same backend twice'],
    ['a URL that is not http(s)', { urls: ['http://b:3000', 'ftp://c'] }, 'backend.urls[1]: must be an http(s) URL'],
    ['a single URL that is not http(s)', { url: 'mqtt://b' }, 'backend.url: must be an http(s) URL'],
  ])('refuses a backend section with %s, saying what is wrong', (_name, b, message) => {
    expect(() => parseGatewayConfig({ ...valid, backend: { token: 'a-long-token', ...b } }, { baseDir: '/', env: {} })).toThrow(message);
  });

  it('takes the backend token from SHELFWATCH_GATEWAY_TOKEN when the file has none', () => {
    const c = parseGatewayConfig({ ...valid, backend: { url: 'http://b:3000' } }, { baseDir: '/', env: { SHELFWATCH_GATEWAY_TOKEN: 'token-from-env' } });
    expect(c.backend.token).toBe('token-from-env');
  });

  it('takes secrets written env:NAME from the environment, and names a variable that is not set', () => {
    const withSecrets = { ...valid, mqtt: { mode: 'external', url: 'mqtts://broker:8883', username: 'gw', password: 'env:MQTT_PASSWORD' }, backend: { url: 'http://b:3000', token: 'env:BACKEND_TOKEN' }, http: { port: 9100, adminToken: 'env:ADMIN_TOKEN' } };
    const c = parseGatewayConfig(withSecrets, { baseDir: '/', env: { MQTT_PASSWORD: 'mqtt-secret', BACKEND_TOKEN: 'backend-secret', ADMIN_TOKEN: 'admin-secret' } });
    expect(c.mqtt).toMatchObject({ password: 'mqtt-secret' });
    expect(c.backend.token).toBe('backend-secret');
    expect(c.http.adminToken).toBe('admin-secret');
    expect(() => parseGatewayConfig(withSecrets, { baseDir: '/', env: { MQTT_PASSWORD: 'mqtt-secret', BACKEND_TOKEN: 'backend-secret' } })).toThrow('http.adminToken: environment variable ADMIN_TOKEN is not set');
  });

  it('reports every error with its path, in readable form', () => {
    const bad = {
      ...valid,
      gatewayId: 'GW 1',
      mqtt: { mode: 'embedded', port: 70000 },
      influx: { url: 'not a url' },
      backend: { url: 'http://b' },
      http: { port: 9100, extra: true },
    };
    let error: unknown;
    try {
      parseGatewayConfig(bad, { baseDir: '/', env: {} });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.some((i) => i.startsWith('gatewayId:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('mqtt.port:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('influx.url:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('backend.token:'))).toBe(true);
    expect(issues.some((i) => i.includes('extra'))).toBe(true);
    expect((error as Error).message).toContain('  - mqtt.port:');
  });

  it('leaves out the input sections the file leaves out (those inputs do not run)', () => {
    const { mqtt: _mqtt, serial: _serial, opcua: _opcua, ...sinksOnly } = valid;
    const c = parseGatewayConfig(sinksOnly, { baseDir: '/', env: {} });
    expect([c.mqtt, c.serial, c.opcua]).toEqual([undefined, undefined, undefined]);
    expect(parseGatewayConfig({ ...sinksOnly, serial: {} }, { baseDir: '/', env: {} }).serial).toEqual({ boards: {} });
  });

  it('accepts the external-broker mode and rejects a half-filled one', () => {
    const ext = { ...valid, mqtt: { mode: 'external', url: 'mqtt://broker:1883', username: 'gw', password: 'pw' } };
    expect(parseGatewayConfig(ext, { baseDir: '/', env: {} }).mqtt?.mode).toBe('external');
    expect(() => parseGatewayConfig({ ...valid, mqtt: { mode: 'external', url: 'http://x' } }, { baseDir: '/', env: {} })).toThrow(/mqtt\.url/);
  });
});
