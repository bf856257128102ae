import { closed as closedEvent } from './fixtures/mqtt-events.js';
import { deviceTopic, INFLUX_DATABASE } from '@shelfwatch/contracts';
import { influxQuery, makeTempDir, rowsOf, startInfluxd, waitUntil, type InfluxdHandle, type TempDir } from '@shelfwatch/test-support';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { startBackendReceiver, type BackendReceiver } from './fixtures/backend-receiver.js';
import { STORE_ID, TOKEN, writeGatewayFiles } from './fixtures/store.js';

const logger = pino({ level: 'silent' });

describe('MQTT → gateway → influxd and backend (first vertical slice)', () => {
  let influxd: InfluxdHandle;
  let dir: TempDir;
  let backend: BackendReceiver;
  let gateway: Gateway;
  const clients: mqtt.MqttClient[] = [];

  async function connect(deviceId: string, password: string): Promise<mqtt.MqttClient> {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, { username: deviceId, password, clientId: `${deviceId}:${clients.length}`, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    [influxd, dir, backend] = await Promise.all([startInfluxd(), makeTempDir('gw-slice'), startBackendReceiver()]);
    const file = await writeGatewayFiles(dir.path, { influxUrl: influxd.url, backendUrl: backend.url });
    gateway = await startGateway(loadGatewayConfig(file), { logger, sinkBackoff: { initialMs: 50, maxMs: 500 } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await gateway?.close();
    await Promise.all([influxd?.destroy(), backend?.close()]);
    await dir?.remove();
  });

  it('a QoS 1 probe reading reaches influxd and the backend', async () => {
    const probe = await connect('probe-1', 'probe-1-secret');
    const ts = Date.now();
    await probe.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), JSON.stringify({ seq: 1, ts, tempC: 4.25, batteryPct: 88, rssiDbm: -70 }), { qos: 1 });
    // PUBACK came back: the reading is already durable in the outbox.
    expect(gateway.stats().accepted.mqtt).toBe(1);
    const rows = await waitUntil(
      async () => {
        const r = rowsOf(await influxQuery(influxd.url, INFLUX_DATABASE, `SELECT temp_c, battery_pct FROM probe_temperature WHERE probe = 'probe-1'`));
        return r.length > 0 ? r : null;
      },
      { what: 'probe point in influxd' },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ temp_c: 4.25, battery_pct: 88 });
    expect(Math.floor(rows[0]!.time as number)).toBe(ts);
    const received = await waitUntil(() => backend.batches.flatMap((b) => b.batch.readings).find((r) => r.id === 'probe-1:1'), { what: 'reading at the backend' });
    expect(received).toMatchObject({ kind: 'probe.temperature', caseId: 'case-1', placement: 'air', tempC: 4.25 });
    expect(backend.batches[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(backend.batches[0]!.batch.gatewayId).toBe('gw-1');
  });

  it('refuses wrong credentials with return code 4', async () => {
    const err = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, { username: 'probe-1', password: 'wrong-password', reconnectPeriod: 0 }).then(
      () => null,
      (e: unknown) => e as { code?: number },
    );
    expect(err?.code).toBe(4);
    expect(gateway.stats().rejected['mqtt:bad_credentials']).toBeGreaterThanOrEqual(1);
  });

  it("refuses a publish to another device's topic and stores nothing from it", async () => {
    const before = gateway.stats().accepted.mqtt ?? 0;
    const intruder = await connect('probe-2', 'probe-2-secret');
    const closed = closedEvent(intruder);
    intruder.publish(deviceTopic(STORE_ID, 'probe-1', 'probe'), JSON.stringify({ seq: 99, ts: Date.now(), tempC: 30, batteryPct: 50, rssiDbm: -60 }), { qos: 1 });
    await closed; // aedes drops a client whose QoS 1 publish is refused: no PUBACK
    expect(gateway.stats().rejected['mqtt:foreign_topic']).toBe(1);
    expect(gateway.stats().accepted.mqtt ?? 0).toBe(before);
    // A camera may not publish probe readings under its own prefix either.
    const camera = await connect('cam-1', 'cam-1-secret');
    const camClosed = closedEvent(camera);
    camera.publish(deviceTopic(STORE_ID, 'cam-1', 'probe'), '{}', { qos: 1 });
    await camClosed;
    expect(gateway.stats().rejected['mqtt:channel_not_allowed']).toBe(1);
  });

  it('acknowledges and counts malformed payloads without disturbing good data', async () => {
    const probe = await connect('probe-2', 'probe-2-secret');
    const topic = deviceTopic(STORE_ID, 'probe-2', 'probe');
    const ts = Date.now();
    await probe.publishAsync(topic, '{not json', { qos: 1 });
    await probe.publishAsync(topic, JSON.stringify({ seq: 5, ts, tempC: 500, batteryPct: 50, rssiDbm: -60 }), { qos: 1 });
    await probe.publishAsync(topic, JSON.stringify({ seq: 6, ts: ts + 1, tempC: 2.5, batteryPct: 50, rssiDbm: -60 }), { qos: 1 });
    const camera = await connect('cam-1', 'cam-1-secret');
    await camera.publishAsync(
      deviceTopic(STORE_ID, 'cam-1', 'scan'),
      JSON.stringify({ seq: 7, ts, slots: [{ slotId: 'slot-a', sku: 'SKU-BEANS', facings: 2, gap: false, confidence: 0.9 }, { slotId: 'nope', sku: null, facings: 0, gap: true, confidence: 0.5 }] }),
      { qos: 1 },
    );
    const stats = gateway.stats();
    expect(stats.rejected['mqtt:bad_json']).toBe(1);
    expect(stats.rejected['mqtt:schema']).toBe(1);
    expect(stats.rejected['mqtt:unknown_slot']).toBe(1);
    const rows = await waitUntil(
      async () => {
        const r = rowsOf(await influxQuery(influxd.url, INFLUX_DATABASE, `SELECT * FROM probe_temperature WHERE probe = 'probe-2'`));
        const cam = rowsOf(await influxQuery(influxd.url, INFLUX_DATABASE, `SELECT * FROM camera_slot`));
        return r.length === 1 && cam.length === 1 ? r : null;
      },
      { what: 'good probe-2 point and camera point' },
    );
    expect(rows[0]).toMatchObject({ temp_c: 2.5, placement: 'product' });
  });

  it('turns retained status and last will into device.status readings', async () => {
    const t = Date.now();
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, {
      username: 'cam-1',
      password: 'cam-1-secret',
      clientId: 'cam-1',
      reconnectPeriod: 0,
      will: { topic: deviceTopic(STORE_ID, 'cam-1', 'status'), payload: Buffer.from(JSON.stringify({ online: false, ts: t + 1, reason: 'lwt' })), qos: 1, retain: true },
    });
    await c.publishAsync(deviceTopic(STORE_ID, 'cam-1', 'status'), JSON.stringify({ online: true, ts: t, reason: 'boot' }), { qos: 1, retain: true });
    c.stream.destroy(); // ungraceful: the broker publishes the will
    const rows = await waitUntil(
      async () => {
        const r = rowsOf(await influxQuery(influxd.url, INFLUX_DATABASE, `SELECT online, detail FROM device_status WHERE device = 'cam-1'`));
        return r.length === 2 ? r : null;
      },
      { what: 'online and lwt status points' },
    );
    expect(rows.map((r) => [r.online, r.detail])).toEqual([
      [true, 'boot'],
      [false, 'lwt'],
    ]);
  });

  it('serves /healthz and /metrics', async () => {
    const health = await fetch(`${gateway.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, outbox: { full: false, pending: { influx: expect.any(Number), backend: expect.any(Number) } }, inputs: { mqtt: { ok: true } } });
    const metrics = await (await fetch(`${gateway.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/shelfwatch_gateway_readings_in_total\{input="mqtt"\} \d+/);
    expect(metrics).toMatch(/shelfwatch_gateway_rejects_total\{input="mqtt",reason="foreign_topic"\} 1/);
    expect(metrics).toMatch(/shelfwatch_gateway_outbox_pending\{sink="influx"\} \d+/);
    expect(metrics).toMatch(/shelfwatch_gateway_device_last_seen_seconds\{device="probe-1"\}/);
  });

  it('going down itself, the gateway does not report its devices offline (their wills are refused)', async () => {
    const t = Date.now();
    const probe = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, {
      clientId: 'probe-2',
      username: 'probe-2',
      password: 'probe-2-secret',
      reconnectPeriod: 0,
      will: { topic: deviceTopic(STORE_ID, 'probe-2', 'status'), payload: Buffer.from(JSON.stringify({ online: false, ts: t, reason: 'lwt' })), qos: 1, retain: true },
    });
    clients.push(probe);
    await probe.publishAsync(deviceTopic(STORE_ID, 'probe-2', 'probe'), JSON.stringify({ seq: 1, ts: t, tempC: 3.5, batteryPct: 90, rssiDbm: -60 }), { qos: 1 });
    const accepted = gateway.stats().accepted.mqtt;
    await gateway.close();
    expect(gateway.stats().accepted.mqtt).toBe(accepted);
  });
});
