import { deviceTopic } from '@shelfwatch/contracts';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { allTasks, BACKEND_TOKENS, backendPost, storedReadingIds } from './support/backend-process.js';
import { runningChain } from './support/chain.js';
import { PASSWORDS, ProbePublisher } from './support/probe-publisher.js';
import { TEST_STORE_ID as STORE_ID } from '@shelfwatch/test-support';

/** Product probe readings above the ceiling, a minute apart: an open cold-chain task to escalate. */
const HOT = 40;
const YEAR_2100 = 4_102_444_800_000;

describe('drill: a device clock in the year 2100 (MQTT → gateway → backend, and straight to the backend over HTTP)', () => {
  const chain = runningChain();

  it('is refused at the edge and at ingest; the store keeps its clock, its tasks and its alerting; restarts replay nothing bad', async () => {
    const ts0 = Date.now() - 2 * 3_600_000;
    await new ProbePublisher({ deviceId: 'probe-2', ts0, stepMs: 60_000, tempC: () => 12 }).sendAll(() => chain.mqttPort, HOT);
    await chain.drained();
    const excursion = (await allTasks(chain.backendUrl)).find((t) => t.kind === 'temperature_excursion' && t.status === 'open');
    expect(excursion).toBeDefined();

    // A valid device publishing a reading from 2100 on its own topic, between good ones.
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${chain.mqttPort}`, { username: 'probe-1', password: PASSWORDS['probe-1'], clientId: 'probe-1', reconnectPeriod: 0 });
    const topic = deviceTopic(STORE_ID, 'probe-1', 'probe');
    const now = Date.now();
    await device.publishAsync(topic, JSON.stringify({ seq: 1, ts: now - 2000, tempC: 3.5, batteryPct: 90, rssiDbm: -60 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ seq: 4_000_000_000, ts: YEAR_2100, tempC: 3.5, batteryPct: 90, rssiDbm: -60 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ seq: 2, ts: now - 1000, tempC: 3.6, batteryPct: 90, rssiDbm: -60 }), { qos: 1 });
    await device.endAsync();
    await chain.drained();
    expect((await chain.gatewayStats()).rejected['mqtt:ts_ahead']).toBe(1);
    expect(storedReadingIds(chain.dbPath).filter((id) => id.startsWith('probe-1:'))).toEqual(['probe-1:1', 'probe-1:2']);

    // The same reading sent to the backend directly (it also takes readings over HTTP).
    const poisoned = {
      kind: 'probe.temperature',
      id: 'probe-1:4000000000',
      storeId: STORE_ID,
      deviceId: 'probe-1',
      ts: YEAR_2100,
      caseId: 'case-1',
      placement: 'air',
      tempC: 3.5,
      fault: null,
      batteryPct: 90,
      rssiDbm: -60,
    };
    const direct = await backendPost(chain.backendUrl, '/api/v1/ingest', { gatewayId: 'gw-1', readings: [poisoned] }, BACKEND_TOKENS.device);
    expect(direct.status).toBe(422);
    const health = await fetch(`${chain.backendUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(health.status).toBe(200);
    // The excursion is still open at the level due today (a few), not escalated through 74 years to 2100.
    const after = (await allTasks(chain.backendUrl)).find((t) => t.id === excursion!.id) as unknown as { status: string; escalationLevel: number };
    expect(after.status).toBe('open');
    expect(after.escalationLevel).toBeLessThan(20);

    // Both restart: nothing of the 2100 reading is in any outbox or store to be replayed.
    await chain.gateway!.proc.stop();
    await chain.backend!.proc.stop();
    await chain.startBackend();
    await chain.startGateway();
    expect((await fetch(`${chain.backendUrl}/healthz`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
    await chain.drained();
    expect(storedReadingIds(chain.dbPath)).not.toContain('probe-1:4000000000');
  });
});
