/**
 * Gateway figures on this machine: outbox append throughput, MQTT QoS 1 ingest through the
 * embedded broker into the outbox, and the InfluxDB catch-up drain rate after an outage.
 * Run: npx tsx gateway/bench/gateway-bench.ts   (needs influxd, see npm run system-deps)
 */
import { writeFile } from 'node:fs/promises';
import { deviceTopic, type Reading } from '@shelfwatch/contracts';
import { makeTempDir, startInfluxd, waitUntil } from '@shelfwatch/test-support';
import express from 'express';
import mqtt from 'mqtt';
import pino from 'pino';
import { loadGatewayConfig } from '../src/config.js';
import { startGateway } from '../src/gateway.js';
import { Outbox } from '../src/outbox/outbox.js';
import { STORE_ID, writeGatewayFiles } from '../test/fixtures/store.js';

/** Recent event times: InfluxDB drops points older than the 14-day raw retention policy. */
const T0 = Date.now() - 3_600_000;
const probe = (seq: number): Reading => ({ kind: 'probe.temperature', id: `probe-1:${seq}`, storeId: STORE_ID, deviceId: 'probe-1', ts: T0 + seq, caseId: 'case-1', placement: 'air', tempC: 3.5, fault: null, batteryPct: 90, rssiDbm: -60 });

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en')} /s (${n} in ${ms.toFixed(0)} ms)`;
}

async function outboxFigures(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [group, inFlight] of [[1, 1], [1, 50], [100, 1], [1000, 1], [100, 10]] as const) {
    const o = new Outbox({ path: `${dir}/bench-${group}-${inFlight}.db`, sinks: ['influx', 'backend'], clock: { now: () => Date.now() } });
    await o.open();
    const total = group * inFlight === 1 ? 2_000 : 100_000;
    const start = performance.now();
    let next = 0;
    // `inFlight` appenders, each awaiting its own commit: the writer groups what arrives meanwhile.
    const appender = async () => {
      while (next < total) {
        const from = next;
        next += group;
        await o.append([Array.from({ length: group }, (_, k) => probe(from + k))]);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, appender));
    out[`outbox append, ${group} reading(s) per append, ${inFlight} append(s) in flight`] = rate(total, performance.now() - start);
    await o.close();
  }
  return out;
}

async function main(): Promise<void> {
  const tmp = await makeTempDir('gw-bench');
  const figures: Record<string, string> = await outboxFigures(tmp.path);
  const influxd = await startInfluxd();
  const backendApp = express();
  backendApp.use(express.json({ limit: '50mb' }));
  backendApp.post('/api/v1/ingest', (_req, res) => void res.json({ accepted: 0, duplicates: 0 }));
  const backend = backendApp.listen(0, '127.0.0.1');
  await new Promise((r) => backend.once('listening', r));
  const backendUrl = `http://127.0.0.1:${(backend.address() as { port: number }).port}`;
  const file = await writeGatewayFiles(tmp.path, { influxUrl: influxd.url, backendUrl });
  await writeFile(`${tmp.path}/noop`, '');
  const gateway = await startGateway(loadGatewayConfig(file), { logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }, pino.destination(2)) });
  try {
    await influxd.stop();
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', reconnectPeriod: 0 });
    const total = 20_000;
    const window = 50;
    const topic = deviceTopic(STORE_ID, 'probe-1', 'probe');
    const start = performance.now();
    for (let i = 0; i < total; i += window) {
      await Promise.all(
        Array.from({ length: window }, (_, k) => client.publishAsync(topic, JSON.stringify({ seq: i + k, ts: T0 + i + k, tempC: 3.5, batteryPct: 90, rssiDbm: -60 }), { qos: 1 })),
      );
    }
    figures[`MQTT QoS 1 into the outbox (${window} in flight, PUBACK after fsync)`] = rate(total, performance.now() - start);
    await client.endAsync();
    const pending = gateway.stats().outboxPending.influx ?? 0;
    const restart = performance.now();
    await influxd.start();
    // The sink notices on its next retry (backoff up to 10 s); time the drain from the first progress.
    await waitUntil(() => (gateway.stats().outboxPending.influx ?? 0) < pending, { timeoutMs: 60_000, intervalMs: 5, what: 'influx drain start' });
    const drainStart = performance.now();
    const left = gateway.stats().outboxPending.influx ?? 0;
    await waitUntil(() => gateway.stats().outboxPending.influx === 0, { timeoutMs: 120_000, intervalMs: 5, what: 'influx drain' });
    figures['InfluxDB: time from influxd restart to first delivered batch'] = `${(drainStart - restart).toFixed(0)} ms`;
    figures[`InfluxDB catch-up drain after outage, from first delivery (batches of 5000, 2 in flight)`] = rate(left, performance.now() - drainStart);
  } finally {
    await gateway.close();
    await influxd.destroy();
    backend.close();
    await tmp.remove();
  }
  for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${v}`);
}

await main();
