import { deviceTopic, INFLUX_DATABASE } from '@shelfwatch/contracts';
import { startOpcuaServer, startPtyPair, type OpcuaServerHandle, type PtyPair } from '@shelfwatch/firmware-sim/transports';
import { influxQuery, rowsOf, startInfluxd, type InfluxdHandle } from '@shelfwatch/test-support/influxd';
import { makeTempDir, type TempDir } from '@shelfwatch/test-support/temp-dir';
import { waitUntil } from '@shelfwatch/test-support/wait';
import mqtt from 'mqtt';
import { StatusCodes } from 'node-opcua';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { startBackendReceiver, type BackendReceiver } from './fixtures/backend-receiver.js';
import { BoardWriter } from './fixtures/board-writer.js';
import { addToTrustList } from '../src/inputs/opcua/trust-list.js';
import { CaseControllerFixture } from './fixtures/case-controller.js';
import { STORE_ID, TOKEN, writeGatewayFiles } from './fixtures/store.js';

const logger = pino({ level: 'silent' });

async function count(url: string, q: string): Promise<number> {
  const rows = rowsOf(await influxQuery(url, INFLUX_DATABASE, q));
  return Number(rows[0]?.count ?? 0);
}

describe('serial, MQTT and OPC UA inputs against real servers', () => {
  let influxd: InfluxdHandle;
  let dir: TempDir;
  let backend: BackendReceiver;
  let pty: PtyPair;
  let opcua: OpcuaServerHandle;
  let gateway: Gateway;
  let board: BoardWriter;
  const controller = new CaseControllerFixture({ controllerId: 'ctrl-1', caseId: 'case-1' });
  let t0 = Date.now();

  beforeAll(async () => {
    [influxd, dir, backend] = await Promise.all([startInfluxd(), makeTempDir('gw-inputs'), startBackendReceiver()]);
    pty = await startPtyPair({ dir: dir.path, names: ['board-dev', 'board-host'] });
    // The controller refuses anonymous sessions: the gateway must log in with its credentials.
    opcua = await startOpcuaServer({ configure: controller.configure, pkiDir: `${dir.path}/opcua-server`, users: { 'ctrl-1': 'ctrl-1-secret' } });
    // The operator has placed the controller's certificate in the gateway's trust list.
    await addToTrustList(`${dir.path}/pki`, 'ctrl-1', opcua.certificate());
    const file = await writeGatewayFiles(dir.path, {
      influxUrl: influxd.url,
      backendUrl: backend.url,
      boards: { 'board-1': { path: pty.b } },
      controllers: { 'ctrl-1': { endpointUrl: opcua.endpointUrl } },
    });
    gateway = await startGateway(loadGatewayConfig(file), { logger, sinkBackoff: { initialMs: 50, maxMs: 500 } });
    board = await BoardWriter.open(pty.a);
    t0 = Date.now();
  });

  afterAll(async () => {
    await board?.close();
    await gateway?.close();
    await Promise.all([influxd?.destroy(), backend?.close(), opcua?.stop(), pty?.stop()]);
    await dir?.remove();
  });

  it('readings from all three inputs reach influxd', async () => {
    const probe = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, { username: 'probe-1', password: 'probe-1-secret', clientId: 'probe-1', reconnectPeriod: 0 });
    await probe.publishAsync(deviceTopic(STORE_ID, 'probe-1', 'probe'), JSON.stringify({ seq: 1, ts: t0, tempC: 3.9, batteryPct: 90, rssiDbm: -60 }), { qos: 1 });
    await probe.endAsync();
    // 5 beans (2000 g) on channel 0: counts = 1000 + 2000 * 100.
    for (let i = 0; i < 4; i++) await board.frame(t0 + i * 1000, [{ channel: 0, counts: 201_000 }, { channel: 1, counts: -500 + 2060 * 50 }]);
    controller.set('airTempC', 5.5, new Date(t0 + 10));
    await waitUntil(async () => (await count(influxd.url, `SELECT count(temp_c) FROM probe_temperature`)) === 1, { what: 'probe point' });
    await waitUntil(async () => (await count(influxd.url, `SELECT count(raw_counts) FROM shelf_weight`)) === 8, { what: '8 weight points' });
    await waitUntil(async () => (await count(influxd.url, `SELECT count(air_temp_c) FROM case_controller WHERE air_temp_c = 5.5`)) === 1, { what: 'controller point' });
    const weights = rowsOf(await influxQuery(influxd.url, INFLUX_DATABASE, `SELECT units, grams, stable FROM shelf_weight WHERE slot = 'slot-a'`));
    expect(weights.map((w) => w.units)).toEqual([5, 5, 5, 5]);
    // Stable only once the signal has stayed put for the settle window (2 s of event time).
    expect(weights.map((w) => w.stable)).toEqual([false, false, true, true]);
    const milk = rowsOf(await influxQuery(influxd.url, INFLUX_DATABASE, `SELECT units FROM shelf_weight WHERE slot = 'slot-b' LIMIT 1`));
    expect(milk[0]?.units).toBe(2);
  });

  it('counts malformed frames and sequence gaps without disturbing good data', async () => {
    const before = await count(influxd.url, `SELECT count(raw_counts) FROM shelf_weight`);
    await board.line('garbage');
    await board.line('$SW1,board-1,99,1,0:5*0000');
    await board.line('$SW1,board-9,1,1,0:5*FFFF');
    board['seq'] += 3; // three frames lost on the line
    await board.frame(t0 + 5000, [{ channel: 0, counts: 201_000 }, { channel: 7, counts: 1 }]);
    await waitUntil(async () => (await count(influxd.url, `SELECT count(raw_counts) FROM shelf_weight`)) === before + 1, { what: 'good frame after garbage' });
    const stats = gateway.stats();
    expect(stats.rejected['serial:bad_start']).toBe(1);
    expect(stats.rejected['serial:checksum_mismatch']).toBe(2);
    expect(stats.rejected['serial:unknown_channel']).toBe(1);
    expect(stats.sequenceGaps['board-1']).toBe(3);
    expect(stats.frameRejects['board-1:checksum_mismatch']).toBe(2);
    const metrics = await (await fetch(`${gateway.httpUrl}/metrics`)).text();
    expect(metrics).toContain('shelfwatch_gateway_frame_rejects_total{board="board-1",reason="checksum_mismatch"} 2');
    expect(metrics).toContain('shelfwatch_gateway_sequence_gaps_total{board="board-1"} 3');
    const reasons = Object.keys(stats.rejected).filter((k) => k.startsWith('serial:'));
    expect(reasons.sort()).toEqual(['serial:bad_start', 'serial:checksum_mismatch', 'serial:unknown_channel']);
  });

  it('resumes after the pty is closed and reopened', async () => {
    await board.close();
    await pty.stop(); // socat killed: both ends vanish like an unplugged USB adapter
    await waitUntil(() => (gateway.health().inputs as Record<string, { details: { boards: Record<string, { open: boolean }> } }>).serial!.details.boards['board-1']!.open === false, { what: 'serial port seen down' });
    pty = await startPtyPair({ dir: dir.path, names: ['board-dev', 'board-host'] });
    board = await BoardWriter.open(pty.a, 1000);
    const ts = t0 + 60_000;
    await waitUntil(async () => {
      // Frames written before the gateway has reopened its end are lost on a pty (no
      // buffer without a reader), like on a real line; keep writing until one arrives.
      await board.frame(ts, [{ channel: 0, counts: 161_000 }]);
      return (await count(influxd.url, `SELECT count(raw_counts) FROM shelf_weight WHERE time >= ${ts}ms`)) >= 1;
    }, { what: 'weight point after the pty came back', intervalMs: 200 });
    const status = rowsOf(await influxQuery(influxd.url, INFLUX_DATABASE, `SELECT online FROM device_status WHERE device = 'board-1'`));
    expect(status.map((s) => s.online)).toEqual(expect.arrayContaining([true, false]));
  });

  it('resumes after the OPC UA server restarts, without restarting the gateway', async () => {
    await opcua.stop();
    await waitUntil(async () => (await count(influxd.url, `SELECT count(online) FROM device_status WHERE device = 'ctrl-1' AND online = false`)) >= 1, { what: 'controller reported offline' });
    await opcua.start();
    await waitUntil(async () => (await count(influxd.url, `SELECT count(online) FROM device_status WHERE device = 'ctrl-1' AND online = true`)) >= 2, { what: 'controller back online' });
    controller.set('doorOpen', true, new Date(t0 + 120_000));
    controller.set('airTempC', 7.25, new Date(t0 + 120_001));
    await waitUntil(async () => (await count(influxd.url, `SELECT count(air_temp_c) FROM case_controller WHERE air_temp_c = 7.25`)) === 1, { what: 'controller value after restart' });
    await waitUntil(async () => (await count(influxd.url, `SELECT count(door_open) FROM case_controller WHERE door_open = true`)) === 1, { what: 'door open after restart' });
  });

  it('counts bad controller values', async () => {
    controller.set('airTempC', 150, new Date(t0 + 130_000)); // beyond any thermistor's range
    controller.set('setpointC', 2, new Date(t0 + 130_001), StatusCodes.BadSensorFailure);
    controller.set('airTempC', 4.75, new Date(t0 + 130_002));
    await waitUntil(async () => (await count(influxd.url, `SELECT count(air_temp_c) FROM case_controller WHERE air_temp_c = 4.75`)) === 1, { what: 'good value after bad ones' });
    expect(gateway.stats().rejected['opcua:bad_value']).toBe(1);
    expect(gateway.stats().rejected['opcua:bad_status']).toBe(1);
  });

  it('tares a channel through the admin API (token required)', async () => {
    const url = `${gateway.httpUrl}/api/v1/boards/board-1/channels/0/tare`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ calibration: { offsetCounts: 161_000, countsPerGram: 100 } });
    const bad = await fetch(`${gateway.httpUrl}/api/v1/boards/board-1/channels/0/calibrate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ knownGrams: -1 }),
    });
    expect(bad.status).toBe(400);
  });
});
