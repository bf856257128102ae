import { deviceTopic, parsePayload } from '@shelfwatch/contracts';
import { waitUntil, type BrokerHandle } from '@shelfwatch/test-support';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttDeviceLink } from '../../src/transports/mqtt-device-link.js';
import { OBSERVER, startAuthBroker } from '../fixtures/auth-broker.js';

const STORE = 'tiny-store';
const credentials = { 'probe-1a': { password: 'probe-pass-a' }, 'cam-1': { password: 'camera-pass-1' } };
const logger = pino({ level: 'silent' });

describe('MQTT device links through a real aedes broker with authentication', () => {
  let broker: BrokerHandle & { refused: string[] };
  let observer: MqttClient;
  const received: { topic: string; payload: string; retain: boolean }[] = [];

  beforeAll(async () => {
    broker = await startAuthBroker(STORE, credentials);
    observer = await connectAsync(broker.url, { clientId: 'observer', ...OBSERVER });
    observer.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await observer.subscribeAsync(`sw/v1/${STORE}/#`, { qos: 1 });
  });
  afterAll(async () => {
    await observer.endAsync();
    await broker.close();
  });

  function link(deviceId: keyof typeof credentials | 'intruder', password: string, acked: number[]) {
    return new MqttDeviceLink({
      storeId: STORE,
      deviceId,
      url: broker.url,
      password,
      logger,
      maxInFlight: 5,
      firmware: 'test',
      now: () => 1_772_445_600_000,
      onAcked: (n) => acked.push(n),
    });
  }

  it('a probe publishes valid messages, counted on PUBACK, with retained online status and a last will', async () => {
    const acked: number[] = [];
    const probe = link('probe-1a', credentials['probe-1a'].password, acked);
    await probe.start();
    for (let seq = 0; seq < 30; seq++) {
      probe.publish('probe', { seq, ts: 1_772_445_600_000 + seq * 60_000, tempC: 3.1, fault: null, batteryPct: 90, rssiDbm: -70 }, 1);
    }
    await probe.drained();
    expect(acked.reduce((a, b) => a + b, 0)).toBe(30);
    const probeTopic = deviceTopic(STORE, 'probe-1a', 'probe');
    await waitUntil(() => received.filter((m) => m.topic === probeTopic).length === 30, { what: '30 probe messages at the observer' });
    for (const m of received.filter((x) => x.topic === probeTopic)) expect(parsePayload('probe', m.payload).ok).toBe(true);
    const statusTopic = deviceTopic(STORE, 'probe-1a', 'status');
    expect(received.find((m) => m.topic === statusTopic)?.payload).toContain('"online":true');

    await probe.goOffline();
    await waitUntil(() => received.some((m) => m.topic === statusTopic && m.payload.includes('"reason":"lwt"')), { what: 'last will' });
    const will = parsePayload('status', received.filter((m) => m.topic === statusTopic).at(-1)!.payload);
    expect(will).toMatchObject({ ok: true, value: { online: false, reason: 'lwt' } });

    await probe.goOnline();
    await probe.stop();
    const retained = await connectAsync(broker.url, { clientId: 'observer-2', ...OBSERVER });
    const status = new Promise<string>((resolve) => retained.on('message', (_t, p) => resolve(p.toString())));
    await retained.subscribeAsync(statusTopic, { qos: 1 });
    expect(JSON.parse(await status)).toMatchObject({ online: false, reason: 'shutdown' });
    await retained.endAsync();
  });

  it('a camera scan counts one reading per slot', async () => {
    const acked: number[] = [];
    const cam = link('cam-1', credentials['cam-1'].password, acked);
    await cam.start();
    cam.publish('scan', { seq: 0, ts: 1_772_445_600_000, slots: [{ slotId: 's1-1', sku: 'PASTA-500', facings: 2, gap: false, confidence: 0.93 }, { slotId: 's1-2', sku: null, facings: 0, gap: true, confidence: 0.9 }] }, 2);
    await cam.drained();
    expect(acked).toEqual([2]);
    await cam.stop();
  });

  it('a device with the wrong password is refused by the broker', async () => {
    const before = broker.refused.length;
    const bad = link('cam-1', 'wrong-password', []);
    void bad.start();
    await waitUntil(() => broker.refused.length > before, { what: 'refused connection' });
    expect(bad.connected).toBe(false);
    await bad.stop();
  });
});
