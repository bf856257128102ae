import { closed as closedEvent } from './fixtures/mqtt-events.js';
import { deviceTopic } from '@shelfwatch/contracts';
import { makeTempDir, startAedes, waitUntil, type BrokerHandle, type TempDir } from '@shelfwatch/test-support';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../src/config.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { configWithUnreachableSinks, STORE_ID } from './fixtures/store.js';

const logger = pino({ level: 'silent' });
const T0 = Date.now() - 60_000;
const probe = (seq: number) => JSON.stringify({ seq, ts: T0 + seq, tempC: 3, batteryPct: 80, rssiDbm: -60 });

describe('MQTT modes and the outbox bound (sinks unreachable)', () => {
  let dir: TempDir;
  let base: GatewayConfig;
  let gateway: Gateway | undefined;
  let broker: BrokerHandle | undefined;
  const clients: mqtt.MqttClient[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('gw-modes');
    base = await configWithUnreachableSinks(dir.path);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await gateway?.close();
    gateway = undefined;
    await broker?.close();
    broker = undefined;
  });

  afterAll(async () => {
    await dir?.remove();
  });

  it('at the bound, stops acknowledging MQTT publishes (device keeps its queue) and reports unhealthy', async () => {
    gateway = await startGateway({ ...base, outbox: { path: `${dir.path}/bound.db`, maxPending: 5 } }, { logger });
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', reconnectPeriod: 0 });
    clients.push(c);
    for (let seq = 1; seq <= 5; seq++) await c.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), probe(seq), { qos: 1 });
    const closed = closedEvent(c);
    let acked = false;
    c.publish(deviceTopic(STORE_ID, 'probe-1', 'probe'), probe(6), { qos: 1 }, (err) => {
      if (!err) acked = true;
    });
    await closed;
    expect(acked).toBe(false);
    expect(gateway.stats().accepted.mqtt).toBe(5);
    expect(gateway.stats().rejected['mqtt:outbox_full']).toBe(1);
    const health = await fetch(`${gateway.httpUrl}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, outbox: { full: true, stored: 5, maxPending: 5 } });
  });

  it('as a client of an external broker: persistent session, QoS 1, readings stored', async () => {
    broker = await startAedes();
    const config: GatewayConfig = { ...base, outbox: { path: `${dir.path}/external.db` }, mqtt: { mode: 'external', url: broker.url, username: 'gateway', password: 'gateway-password' } };
    gateway = await startGateway(config, { logger });
    expect(gateway.mqttPort).toBe(0);
    await waitUntil(() => gateway!.health().inputs && (gateway!.health().inputs as Record<string, { ok: boolean }>).mqtt!.ok, { what: 'gateway connected to the external broker' });
    // The subscription is set up right after connect; publish until the first one lands.
    const device = await mqtt.connectAsync(broker.url, { clientId: 'probe-1', reconnectPeriod: 0 });
    clients.push(device);
    let seq = 1;
    await waitUntil(async () => {
      await device.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), probe(seq++), { qos: 1 });
      return (gateway!.stats().accepted.mqtt ?? 0) >= 1;
    }, { what: 'reading via the external broker', intervalMs: 100 });
    await device.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), '{"broken"', { qos: 1 });
    await waitUntil(() => gateway!.stats().rejected['mqtt:bad_json'] === 1, { what: 'malformed payload counted' });
    // While the gateway is down the broker keeps its persistent session's queue.
    await gateway.close();
    gateway = undefined;
    for (let s = 500; s < 503; s++) await device.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), probe(s), { qos: 1 });
    gateway = await startGateway(config, { logger });
    await waitUntil(() => gateway!.stats().accepted.mqtt === 3, { what: 'queued readings delivered after the gateway restarted' });
  });
});
