import { deviceTopic, INFLUX_DATABASE, isGatewayRestart, type Reading } from '@shelfwatch/contracts';
import { influxQuery, rowsOf, waitUntil } from '@shelfwatch/test-support';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayRig, type GatewayProcess, type GatewayRig } from './fixtures/gateway-process.js';
import { STORE_ID } from './fixtures/store.js';

const topic = deviceTopic(STORE_ID, 'probe-1', 'probe');

async function publish(client: mqtt.MqttClient, seqs: number[], ts0: number): Promise<void> {
  await Promise.all(seqs.map((seq) => client.publishAsync(topic, JSON.stringify({ seq, ts: ts0 + seq * 1000, tempC: 4, batteryPct: 80, rssiDbm: -65 }), { qos: 1 })));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the gateway states its restart (gateway as a process)', () => {
  let rig: GatewayRig;
  let gw: GatewayProcess | undefined;
  let client: mqtt.MqttClient | undefined;
  const ts0 = Date.now() - 120_000;

  const delivered = (): Reading[] => rig.backend.batches.flatMap((b) => b.batch.readings);
  const pendingForBackend = async () => (await rig.stats()).outboxPending.backend;
  const connect = () => mqtt.connectAsync(`mqtt://127.0.0.1:${gw!.mqttPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', reconnectPeriod: 0 });

  beforeAll(async () => {
    rig = await startGatewayRig('gw-restart');
  });

  afterAll(async () => {
    await client?.endAsync(true);
    await rig?.close();
  });

  it('once, dated at the newest reading it had stored, ahead of the new run’s readings, and kept through a backend outage', async () => {
    gw = await rig.start();
    expect(delivered().filter(isGatewayRestart)).toEqual([]);
    client = await connect();
    await publish(client, range(1, 20), ts0);
    await waitUntil(() => delivered().some((r) => r.id === 'probe-1:20'), { what: 'the first run’s readings at the backend' });
    await client.endAsync();
    await gw.proc.stop();

    // The backend is unreachable for the whole second start: the statement waits in the outbox.
    rig.backend.failNext(Number.MAX_SAFE_INTEGER, 503);
    gw = await rig.start();
    client = await connect();
    await publish(client, range(21, 40), ts0);
    await waitUntil(async () => (await pendingForBackend()) === 21, { what: 'the statement and 20 readings waiting for the backend' });
    rig.backend.failNext(0, 200);
    await waitUntil(() => delivered().some((r) => r.id === 'probe-1:40'), { what: 'the second run’s readings at the backend' });

    const ids = delivered().map((r) => r.id);
    const statements = delivered().filter(isGatewayRestart);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ storeId: STORE_ID, deviceId: 'gw-1', deviceKind: 'gateway', online: true, ts: ts0 + 20 * 1000 });
    const at = ids.indexOf(statements[0]!.id);
    expect(at).toBeGreaterThan(ids.indexOf('probe-1:20'));
    expect(at).toBeLessThan(ids.indexOf('probe-1:21'));
    await waitUntil(
      async () => rowsOf(await influxQuery(rig.influxd.url, INFLUX_DATABASE, `SELECT count(online) FROM device_status WHERE device_kind = 'gateway'`))[0]?.count === 1,
      { what: 'the statement in InfluxDB' },
    );
  });
});
