import { deviceTopic, INFLUX_DATABASE } from '@shelfwatch/contracts';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { influxQuery, rowsOf, spawnService, waitUntil } from '@shelfwatch/test-support';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayRig, type GatewayProcess, type GatewayRig } from './fixtures/gateway-process.js';
import { STORE_ID, TOKEN } from './fixtures/store.js';

const topic = deviceTopic(STORE_ID, 'probe-1', 'probe');

async function countProbe(url: string): Promise<number> {
  const rows = rowsOf(await influxQuery(url, INFLUX_DATABASE, `SELECT count(temp_c) FROM probe_temperature WHERE probe = 'probe-1'`));
  return Number(rows[0]?.count ?? 0);
}

/** Publishes seqs [from, to) with QoS 1, at most `window` unacknowledged at a time. */
async function publishRange(client: mqtt.MqttClient, from: number, to: number, ts0: number, window = 50): Promise<void> {
  for (let start = from; start < to; start += window) {
    const end = Math.min(to, start + window);
    const sends: Promise<unknown>[] = [];
    for (let seq = start; seq < end; seq++) {
      sends.push(client.publishAsync(topic, JSON.stringify({ seq, ts: ts0 + seq, tempC: 3 + (seq % 10) / 10, batteryPct: 80, rssiDbm: -65 }), { qos: 1 }));
    }
    await Promise.all(sends);
  }
}

describe('durability: kill -9, influxd outage, backend failures (gateway as a process)', () => {
  let rig: GatewayRig;
  let gw: GatewayProcess | undefined;
  let client: mqtt.MqttClient | undefined;
  const ts0 = Date.now() - 60_000;

  beforeAll(async () => {
    rig = await startGatewayRig('gw-durability');
  });

  afterEach(async () => {
    await client?.endAsync(true);
    client = undefined;
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('a QoS 1 reading survives kill -9 right after its PUBACK', async () => {
    await rig.influxd.stop(); // nothing can be delivered: only the outbox can save the reading
    gw = await rig.start();
    client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.mqttPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', reconnectPeriod: 0 });
    await client.publishAsync(topic, JSON.stringify({ seq: 1, ts: ts0, tempC: 4.5, batteryPct: 90, rssiDbm: -60 }), { qos: 1 });
    await gw.proc.kill('SIGKILL');
    await rig.influxd.start();
    gw = await rig.start();
    await waitUntil(async () => (await countProbe(rig.influxd.url)) === 1, { what: 'the acknowledged reading in influxd after restart' });
    await waitUntil(() => rig.backend.batches.some((b) => b.batch.readings.some((r) => r.id === 'probe-1:1')), { what: 'the reading at the backend' });
  });

  it('every acknowledged reading of a stream survives kill -9 mid-stream', async () => {
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw!.mqttPort}`, { username: 'probe-2', password: 'probe-2-secret', clientId: 'probe-2', reconnectPeriod: 0 });
    const acked: number[] = [];
    let killed = false;
    const topic2 = deviceTopic(STORE_ID, 'probe-2', 'probe');
    const enough = new Promise<void>((resolve) => {
      for (let seq = 0; seq < 5000; seq++) {
        device.publish(topic2, JSON.stringify({ seq, ts: ts0 + seq, tempC: 5, batteryPct: 80, rssiDbm: -60 }), { qos: 1 }, (err) => {
          if (err || killed) return;
          acked.push(seq);
          if (acked.length === 300) resolve();
        });
      }
    });
    await enough;
    killed = true;
    await gw!.proc.kill('SIGKILL');
    const ackedAtKill = [...acked];
    await device.endAsync(true);
    gw = await rig.start();
    const stored = await waitUntil(
      async () => {
        const rows = rowsOf(await influxQuery(rig.influxd.url, INFLUX_DATABASE, `SELECT temp_c FROM probe_temperature WHERE probe = 'probe-2'`));
        const seqs = new Set(rows.map((r) => Math.floor(r.time as number) - ts0));
        return ackedAtKill.every((seq) => seqs.has(seq)) ? seqs : null;
      },
      { what: 'every acknowledged reading in influxd', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(stored.size).toBeGreaterThanOrEqual(ackedAtKill.length);
  });

  it('acknowledges nothing before its commit is fsynced: kill -9 at random points, every acknowledged reading is in the outbox file', async () => {
    await rig.influxd.stop(); // nothing can be delivered, so nothing acknowledged may be missing from the file
    const topic2 = deviceTopic(STORE_ID, 'probe-2', 'probe');
    const killPoints = fc.sample(fc.integer({ min: 1, max: 1_500 }), { seed: 13, numRuns: 3 });
    for (const [round, killAt] of killPoints.entries()) {
      gw ??= await rig.start();
      const proc = gw.proc;
      const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.mqttPort}`, { username: 'probe-2', password: 'probe-2-secret', clientId: 'probe-2', reconnectPeriod: 0 });
      const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
      const acked: string[] = [];
      for (let i = 0; i < 3_000; i++) {
        const seq = 100_000 + round * 10_000 + i;
        device.publish(topic2, JSON.stringify({ seq, ts: Date.now(), tempC: 5, batteryPct: 80, rssiDbm: -60 }), { qos: 1 }, (err) => {
          if (err) return;
          // Every PUBACK the device gets counts, also those already on the wire when the kill lands.
          acked.push(`probe-2:${seq}`);
          if (acked.length === killAt) proc.child.kill('SIGKILL');
        });
      }
      await proc.exited;
      await closed;
      await device.endAsync(true);
      gw = undefined;
      const db = new Database(path.join(rig.dir.path, 'outbox.db'));
      const stored = new Set((db.prepare("SELECT id FROM readings WHERE id LIKE 'probe-2:%'").all() as { id: string }[]).map((r) => r.id));
      db.close();
      expect(acked.length).toBeGreaterThanOrEqual(killAt);
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    }
    await rig.influxd.start();
    gw = await rig.start();
    await waitUntil(async () => (await rig.stats()).outboxPending.influx === 0, { what: 'the acknowledged readings delivered', timeoutMs: 60_000 });
  });

  it('loses nothing while influxd is down for a while (exact count)', async () => {
    client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw!.mqttPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', reconnectPeriod: 0 });
    await rig.influxd.stop();
    await publishRange(client, 100, 2100, ts0);
    expect((await rig.stats()).outboxPending.influx).toBe(2000);
    const health = (await (await fetch(`${gw!.httpUrl}/healthz`)).json()) as { sinks: { influx: { consecutiveFailures: number } } };
    expect(health.sinks.influx.consecutiveFailures).toBeGreaterThan(0);
    await rig.influxd.start();
    await waitUntil(async () => (await countProbe(rig.influxd.url)) === 2001, { what: '2001 probe points', timeoutMs: 60_000, intervalMs: 200 });
    await waitUntil(async () => (await rig.stats()).outboxPending.influx === 0, { what: 'influx cursor caught up' });
    expect(await countProbe(rig.influxd.url)).toBe(2001);
  });

  it('retries the backend after 503 and isolates a refused reading by bisection', async () => {
    client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw!.mqttPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', reconnectPeriod: 0 });
    await waitUntil(async () => (await rig.stats()).outboxPending.backend === 0, { what: 'backend caught up' });
    rig.backend.failNext(3, 503);
    rig.backend.refuseIds.add('probe-1:3050');
    const requestsBefore = rig.backend.requests;
    await publishRange(client, 3000, 3100, ts0);
    await waitUntil(async () => (await rig.stats()).outboxPending.backend === 0, { what: 'backend cursor past the batch', timeoutMs: 60_000 });
    const ids = new Set(rig.backend.batches.flatMap((b) => b.batch.readings.map((r) => r.id)));
    const missing = Array.from({ length: 100 }, (_, i) => `probe-1:${3000 + i}`).filter((id) => !ids.has(id));
    expect(missing).toEqual(['probe-1:3050']);
    expect((await rig.stats()).deadLettered['backend:refused']).toBe(1);
    expect(rig.backend.requests - requestsBefore).toBeGreaterThan(3);
    expect(rig.backend.batches.every((b) => b.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('a reading that makes every backend request holding it fail (500) ends in dead letters, counted on /metrics; the rest flow', async () => {
    client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw!.mqttPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', reconnectPeriod: 0 });
    await waitUntil(async () => (await rig.stats()).outboxPending.backend === 0, { what: 'backend caught up' });
    rig.backend.failIds.add('probe-1:4020');
    await publishRange(client, 4000, 4200, ts0);
    await waitUntil(async () => (await rig.stats()).outboxPending.backend === 0, { what: 'backend cursor past the poison', timeoutMs: 90_000, intervalMs: 250 });
    const ids = new Set(rig.backend.batches.flatMap((b) => b.batch.readings.map((r) => r.id)));
    const missing = Array.from({ length: 200 }, (_, i) => `probe-1:${4000 + i}`).filter((id) => !ids.has(id));
    expect(missing).toEqual(['probe-1:4020']);
    expect((await rig.stats()).deadLettered['backend:poison']).toBe(1);
    const metrics = await (await fetch(`${gw!.httpUrl}/metrics`)).text();
    expect(metrics).toContain('shelfwatch_gateway_dead_letters_total{sink="backend",reason="poison"} 1');
  });

  it('closes cleanly on SIGTERM', async () => {
    const proc = gw!.proc;
    gw = undefined;
    await proc.stop(10_000);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses to start on a bad configuration, naming every bad field', async () => {
    const bad = `${rig.dir.path}/bad.json`;
    await writeFile(bad, JSON.stringify({ gatewayId: 'gw-1', mqtt: { mode: 'embedded', port: 99999 }, http: { port: 0 } }));
    const proc = spawnService('gateway', ['--config', bad]);
    expect((await proc.exited).code).toBe(2);
    expect(proc.output()).toContain('mqtt.port:');
    expect(proc.output()).toContain('layoutFile:');
    expect(proc.output()).toContain('influx:');
  });
});
