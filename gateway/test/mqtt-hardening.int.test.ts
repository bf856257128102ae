import net from 'node:net';
import { deviceTopic } from '@shelfwatch/contracts';
import { makeSelfSignedCert, makeTempDir, waitUntil, type TempDir } from '@shelfwatch/test-support';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../src/config.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { closed as closedEvent } from './fixtures/mqtt-events.js';
import { configWithUnreachableSinks, STORE_ID } from './fixtures/store.js';

const logger = pino({ level: 'silent' });
const probe = (seq: number) => JSON.stringify({ seq, ts: Date.now() - 1000, tempC: 3, batteryPct: 80, rssiDbm: -60 });

/** Opens a raw TCP connection and sends an MQTT CONNECT with the device's credentials. */
async function rawConnect(port: number, clientId: string, username: string, password: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30, clientId, username, password: Buffer.from(password) }));
  await new Promise<void>((resolve) => socket.once('data', () => resolve())); // CONNACK
  return socket;
}

describe('MQTT broker hardening (sinks unreachable: only the broker is under test)', () => {
  let dir: TempDir;
  let base: GatewayConfig;
  let gateway: Gateway | undefined;
  const clients: mqtt.MqttClient[] = [];
  const url = () => `mqtt://127.0.0.1:${gateway!.mqttPort}`;

  beforeAll(async () => {
    dir = await makeTempDir('gw-mqtt-hardening');
    base = await configWithUnreachableSinks(dir.path);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await gateway?.close();
    gateway = undefined;
  });

  afterAll(async () => {
    await dir?.remove();
  });

  const start = async (mqttOverrides: Partial<Extract<GatewayConfig['mqtt'], { mode: 'embedded' }>> = {}, name = 'o') => {
    if (base.mqtt?.mode !== 'embedded') throw new Error('embedded broker expected');
    gateway = await startGateway({ ...base, outbox: { path: `${dir.path}/${name}.db` }, mqtt: { ...base.mqtt, ...mqttOverrides } }, { logger });
    return gateway;
  };
  const connect = async (clientId: string, username = 'probe-1', password = 'probe-1-secret', extra: mqtt.IClientOptions = {}) => {
    const c = await mqtt.connectAsync(url(), { username, password, clientId, reconnectPeriod: 0, ...extra });
    clients.push(c);
    return c;
  };
  /** SUBACK return codes (128 = refused); mqtt.js rejects when any is 128, with the packet attached. */
  const subscribe = (c: mqtt.MqttClient, topics: string | string[]) =>
    c.subscribeAsync(topics).then(
      (granted) => granted.map((g) => g.qos as number),
      (e: unknown) => (e as { packet: { granted: number[] } }).packet.granted,
    );
  const refusal = (clientId: string, username = 'probe-1', password = 'probe-1-secret') =>
    mqtt.connectAsync(url(), { username, password, clientId, reconnectPeriod: 0 }).then(
      async (c) => {
        await c.endAsync(true);
        return null;
      },
      (e: unknown) => (e as { code?: number }).code,
    );

  it("refuses a device's credentials with another device's client id: the other stays connected and no last will is faked", async () => {
    const g = await start({}, 'takeover');
    const victim = await connect('probe-1', 'probe-1', 'probe-1-secret', {
      will: { topic: deviceTopic(STORE_ID, 'probe-1', 'status'), payload: Buffer.from(JSON.stringify({ online: false, ts: Date.now(), reason: 'lwt' })), qos: 1, retain: false },
    });
    expect(await refusal('probe-1', 'probe-2', 'probe-2-secret')).toBe(2);
    expect(await refusal('', 'probe-2', 'probe-2-secret')).toBe(2);
    expect(victim.connected).toBe(true);
    await victim.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), probe(1), { qos: 1 });
    expect(g.stats().accepted.mqtt).toBe(1); // the reading, and no offline status from a will
    expect(g.stats().rejected['mqtt:client_id_refused']).toBe(2);
    // Its own id, and a suffixed one for a second connection, are fine.
    await connect('probe-2:aux', 'probe-2', 'probe-2-secret');
  });

  it('closes a connection whose packet declares more than the cap, before its body arrives, and counts it', async () => {
    const g = await start({ maxPacketBytes: 64 * 1024 }, 'oversize');
    const socket = await rawConnect(g.mqttPort, 'probe-1', 'probe-1', 'probe-1-secret');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // A PUBLISH fixed header declaring 250 MB (remaining length 0x78 80 80 80 little-endian
    // base 128), then a few bytes of it: nothing more is sent, so only an early refusal closes it.
    socket.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x78]));
    socket.write(Buffer.alloc(16, 0x61));
    await closed;
    expect(g.stats().rejected['mqtt:packet_too_large']).toBe(1);
    // A client that sends a 1 MB payload through mqtt.js is cut off too; a normal reading right after is fine.
    const big = await connect('probe-1');
    const bigClosed = closedEvent(big);
    big.publish(deviceTopic(STORE_ID, 'probe-1', 'probe'), Buffer.alloc(1024 * 1024, 0x20), { qos: 1 });
    await bigClosed;
    expect(g.stats().rejected['mqtt:packet_too_large']).toBe(2);
    const ok = await connect('probe-1:2');
    await ok.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), probe(2), { qos: 1 });
    expect(g.stats().accepted.mqtt).toBe(1);
    const metrics = await (await fetch(`${g.httpUrl}/metrics`)).text();
    expect(metrics).toContain('shelfwatch_gateway_rejects_total{input="mqtt",reason="packet_too_large"} 2');
  });

  it('caps connections and subscriptions per device credential', async () => {
    const g = await start({ maxConnectionsPerDevice: 2, maxSubscriptionsPerDevice: 3 }, 'caps');
    const first = await connect('probe-1');
    const second = await connect('probe-1:b');
    expect(await refusal('probe-1:c')).toBe(5);
    expect(g.stats().rejected['mqtt:connection_cap']).toBe(1);
    // Another device is not affected by probe-1's connections.
    await connect('probe-2', 'probe-2', 'probe-2-secret');
    const prefix = `sw/v1/${STORE_ID}/probe-1/cmd`;
    expect(await subscribe(first, [`${prefix}/a`, `${prefix}/b`])).toEqual([0, 0]);
    // Per credential: 3 over both connections; the same filter on another connection counts again.
    expect(await subscribe(second, [`${prefix}/c`, `${prefix}/d`, `${prefix}/a`])).toEqual([0, 128, 128]);
    expect(g.stats().rejected['mqtt:subscription_cap']).toBe(2);
    await first.unsubscribeAsync(`${prefix}/a`);
    expect(await subscribe(second, `${prefix}/d`)).toEqual([0]);
    // A closed connection frees its slot and its subscriptions.
    await second.endAsync();
    await waitUntil(async () => (await refusal('probe-1:c')) === null, { what: 'the connection slot to be free again' });
  });

  it('serves MQTT over TLS with the gateway certificate next to plain MQTT, and TLS alone when plain is off', async () => {
    const cert = await makeSelfSignedCert(dir.path, 'gateway');
    const g = await start({ tls: { port: 0, certFile: cert.certFile, keyFile: cert.keyFile } }, 'tls');
    expect(g.mqttTlsPort).toBeGreaterThan(0);
    const secure = await mqtt.connectAsync(`mqtts://127.0.0.1:${g.mqttTlsPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', ca: cert.cert, reconnectPeriod: 0 });
    clients.push(secure);
    await secure.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), probe(3), { qos: 1 });
    expect(g.stats().accepted.mqtt).toBe(1);
    // A client that does not trust the certificate does not get in.
    const untrusting = await mqtt.connectAsync(`mqtts://127.0.0.1:${g.mqttTlsPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1:x', reconnectPeriod: 0, connectTimeout: 5_000 }).then(
      () => 'connected',
      (e: unknown) => (e as Error).message,
    );
    expect(untrusting).toMatch(/self[- ]signed|certificate/i);
    await gateway!.close();
    const tlsOnly = await start({ plaintext: false, tls: { port: 0, certFile: cert.certFile, keyFile: cert.keyFile } }, 'tls-only');
    expect(tlsOnly.mqttPort).toBe(0);
    expect(tlsOnly.mqttTlsPort).toBeGreaterThan(0);
  });
});
