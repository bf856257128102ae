import { open } from 'node:fs/promises';
import { startPtyPair, type PtyPair } from '@shelfwatch/firmware-sim/transports';
import { TEST_STORE_ID as STORE_ID, makeTempDir, waitUntil, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic } from '@shelfwatch/contracts';
import mqtt from 'mqtt';
import { allTasks, BACKEND_TOKENS, metricSum, storedReadingIds } from './support/backend-process.js';
import { Chain } from './support/chain.js';
import { badApiBodies, badProbePayloads, badSerialLines, frameAt, goodFrame, outOfBoundProbePayloads, outOfBoundTimes, oversizedPayloadSizes, timeAndSizeApiBodies, type BadRequest } from './support/fuzz-inputs.js';
import { PASSWORDS, ProbePublisher } from './support/probe-publisher.js';

const SERIAL_BAD = 50_000;
const MQTT_BAD = 40_000;
const API_BAD = 10_000;
/** One good frame after every this many bad lines. */
const GOOD_EVERY = 100;
const GOOD_PROBES = 500;
/** Valid device data with a clock out of bounds (refused for its time, counted by reason). */
const SERIAL_TIME_BAD = 200;
const MQTT_TIME_BAD = 1_000;
const API_TIME_OR_SIZE_BAD = 250;
/** MQTT publishes over the broker's packet cap, each closing its connection. */
const MQTT_OVERSIZED = 10;

const sum = (counters: Record<string, number>, prefix: string) => Object.entries(counters).filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);

describe('drill: bad input at scale (serial pty, MQTT broker, backend API) beside good data', () => {
  let ptyDir: TempDir;
  let pty: PtyPair;
  let chain: Chain;
  beforeAll(async () => {
    ptyDir = await makeTempDir('pty');
    pty = await startPtyPair({ dir: ptyDir.path });
    chain = new Chain({ boards: { 'board-1': { path: pty.b } } });
    await chain.prepare();
    await chain.startBackend();
    await chain.startGateway();
    await waitUntil(() => chain.gatewayHealthy(), { what: 'the gateway to open the serial port', timeoutMs: 30_000, intervalMs: 100 });
  });
  afterAll(async () => {
    await chain?.stop();
    await pty?.stop();
    await ptyDir?.remove();
  });

  it(`${SERIAL_BAD + MQTT_BAD + API_BAD + SERIAL_TIME_BAD + MQTT_TIME_BAD + API_TIME_OR_SIZE_BAD + MQTT_OVERSIZED} fuzzed items: no crash, every rejection counted, good data all arrives`, async () => {
    const now = Date.now();
    const serialLines = badSerialLines(SERIAL_BAD);
    const serialTimes = outOfBoundTimes(SERIAL_TIME_BAD, now, 8);
    const payloads = [...badProbePayloads(MQTT_BAD), ...outOfBoundProbePayloads(MQTT_TIME_BAD, now)];
    const bodies = [...badApiBodies(API_BAD), ...timeAndSizeApiBodies(API_TIME_OR_SIZE_BAD, now)];
    const oversized = oversizedPayloadSizes(MQTT_OVERSIZED);
    expect([serialLines.length, payloads.length, bodies.length]).toEqual([SERIAL_BAD, MQTT_BAD + MQTT_TIME_BAD, API_BAD + API_TIME_OR_SIZE_BAD]);
    const before = await chain.gatewayStats();
    const backend4xxBefore = await backend4xx(chain.backendUrl);
    const tasks = await allTasks(chain.backendUrl);
    const taskId = tasks[0]?.id ?? 'no-such-task';

    const ts0 = now - 3_600_000;
    const [goodFrames] = await Promise.all([
      writeSerial(pty.a, serialLines, ts0, serialTimes),
      publishBad(chain.mqttPort, payloads).then(() => publishOversized(chain.mqttPort, oversized)),
      postBad(chain.backendUrl, bodies, taskId),
      new ProbePublisher({ deviceId: 'probe-2', ts0 }).sendAll(() => chain.mqttPort, GOOD_PROBES),
    ]);

    const after = await waitUntil(async () => {
      const s = await chain.gatewayStats();
      return sum(s.frameRejects, 'board-1:') - sum(before.frameRejects, 'board-1:') >= SERIAL_BAD && (s.accepted.serial ?? 0) >= goodFrames * 2 ? s : null;
    }, { what: 'the gateway to read every serial line', timeoutMs: 90_000, intervalMs: 250 });
    await chain.drained();

    const serialRejected = sum(after.frameRejects, 'board-1:') - sum(before.frameRejects, 'board-1:');
    const mqttRejected = sum(after.rejected, 'mqtt') - sum(before.rejected, 'mqtt');
    const apiRejected = (await backend4xx(chain.backendUrl)) - backend4xxBefore;
    const timeRejected = (input: string) => sum(after.rejected, `${input}:ts_`) - sum(before.rejected, `${input}:ts_`);
    expect(serialRejected).toBe(SERIAL_BAD);
    // Time is refused per reading: board-1's frames carry two channels.
    expect(timeRejected('serial')).toBe(2 * SERIAL_TIME_BAD);
    expect(sum(after.rejected, 'serial') - sum(before.rejected, 'serial')).toBe(SERIAL_BAD + 2 * SERIAL_TIME_BAD);
    expect(timeRejected('mqtt')).toBe(MQTT_TIME_BAD);
    expect((after.rejected['mqtt:packet_too_large'] ?? 0) - (before.rejected['mqtt:packet_too_large'] ?? 0)).toBe(MQTT_OVERSIZED);
    const mqttReasons = Object.fromEntries(Object.entries(after.rejected).filter(([k]) => k.startsWith('mqtt')).map(([k, v]) => [k, v - (before.rejected[k] ?? 0)]));
    expect(mqttRejected, JSON.stringify(mqttReasons)).toBe(MQTT_BAD + MQTT_TIME_BAD + MQTT_OVERSIZED);
    expect(apiRejected).toBe(API_BAD + API_TIME_OR_SIZE_BAD);
    expect(after.sequenceGaps['board-1'] ?? 0).toBe(0);

    // Good data beside the bad: every weight reading in InfluxDB, every probe reading at both sinks.
    // (accepted.serial also counts the board's online status reading, so the weights are counted in InfluxDB.)
    expect(await chain.countPoints('shelf_weight', 'grams', `device = 'board-1'`)).toBe(goodFrames * 2);
    expect(await chain.countPoints('probe_temperature', 'temp_c', `probe = 'probe-2'`)).toBe(GOOD_PROBES);
    expect(storedReadingIds(chain.dbPath).filter((id) => id.startsWith('probe-2:'))).toHaveLength(GOOD_PROBES);

    // Still healthy: both processes answer and neither has exited.
    expect(await chain.gatewayHealthy()).toBe(true);
    expect((await fetch(`${chain.backendUrl}/healthz`)).status).toBe(200);
    expect(chain.gateway!.proc.child.exitCode).toBeNull();
    expect(chain.backend!.proc.child.exitCode).toBeNull();
    const reasons = (prefix: string) => Object.fromEntries(Object.entries(after.rejected).filter(([k]) => k.startsWith(prefix)));
    console.info(JSON.stringify({ drill: 'bad-input', serialBad: SERIAL_BAD, serialRejected, mqttBad: MQTT_BAD, mqttRejected, apiBad: API_BAD, api4xx: apiRejected, goodFrames, goodWeights: goodFrames * 2, goodProbes: GOOD_PROBES, serialReasons: reasons('serial'), mqttReasons: reasons('mqtt') }));
    // About 100 k items through real processes: minutes when the machine is shared.
  }, 300_000);
});

async function backend4xx(url: string): Promise<number> {
  return metricSum(url, 'shelfwatch_backend_http_request_duration_seconds_count', (labels) => /status="4\d\d"/.test(labels));
}

/**
 * Writes the bad lines to the board's end of the pty, a valid frame after every GOOD_EVERY,
 * and the frames with an out-of-bound clock in between (sequence numbers run on, so the
 * board shows no gap); returns the good frames written.
 */
async function writeSerial(device: string, lines: string[], ts0: number, badTimes: number[]): Promise<number> {
  const handle = await open(device, 'w');
  let good = 0;
  let seq = 0;
  const chunks = Math.ceil(lines.length / GOOD_EVERY);
  try {
    for (let c = 0; c < chunks; c++) {
      const chunk = lines.slice(c * GOOD_EVERY, (c + 1) * GOOD_EVERY).map((l) => `${l}\r\n`);
      good += 1;
      chunk.push(goodFrame(++seq, ts0));
      for (const ts of badTimes.slice(Math.floor((c * badTimes.length) / chunks), Math.floor(((c + 1) * badTimes.length) / chunks))) chunk.push(frameAt(++seq, ts));
      await handle.write(Buffer.from(chunk.join(''), 'latin1'));
    }
  } finally {
    await handle.close();
  }
  return good;
}

/** Oversized publishes on probe-1's own topic, each on its own connection: the broker closes it before reading the body. */
async function publishOversized(port: number, sizes: number[]): Promise<void> {
  const topic = deviceTopic(STORE_ID, 'probe-1', 'probe');
  for (const size of sizes) {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'probe-1', password: PASSWORDS['probe-1'], clientId: 'probe-1', reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(topic, Buffer.alloc(size, 0x20), { qos: 1 });
    await closed;
    await client.endAsync(true);
  }
}

/** Publishes every bad payload on probe-1's own topic with QoS 1 (the gateway acknowledges and counts refusals). */
async function publishBad(port: number, payloads: Buffer[]): Promise<void> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'probe-1', password: PASSWORDS['probe-1'], clientId: 'probe-1', reconnectPeriod: 0 });
  const topic = deviceTopic(STORE_ID, 'probe-1', 'probe');
  try {
    for (let i = 0; i < payloads.length; i += 500) {
      await Promise.all(payloads.slice(i, i + 500).map((p) => client.publishAsync(topic, p, { qos: 1 })));
    }
  } finally {
    await client.endAsync();
  }
}

/** Posts every bad body, 16 at a time; each must be answered 4xx. */
async function postBad(url: string, bodies: BadRequest[], taskId: string): Promise<void> {
  const target = (b: BadRequest) => {
    switch (b.path) {
      case 'ingest':
        return { path: '/api/v1/ingest', token: BACKEND_TOKENS.device };
      case 'deliveries':
        return { path: '/api/v1/deliveries', token: BACKEND_TOKENS.supplier };
      case 'done':
        return { path: `/api/v1/tasks/${encodeURIComponent(taskId)}/done`, token: BACKEND_TOKENS.staff };
    }
  };
  let next = 0;
  const unexpected: string[] = [];
  const worker = async () => {
    while (next < bodies.length) {
      const b = bodies[next++]!;
      const t = target(b);
      const res = await fetch(`${url}${t.path}`, { method: 'POST', headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' }, body: b.body });
      await res.arrayBuffer();
      if (res.status < 400 || res.status >= 500) unexpected.push(`${t.path} ${res.status}: ${b.body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  expect(unexpected).toEqual([]);
}
