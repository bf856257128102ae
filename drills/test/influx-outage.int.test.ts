import { describe, expect, it } from 'vitest';
import { storedReadingIds } from './support/backend-process.js';
import { runningChain } from './support/chain.js';
import { ProbePublisher } from './support/probe-publisher.js';

const PER_PROBE = 2_500;

describe('drill: influxd down and up under load, whole chain (MQTT → gateway → influxd + backend)', () => {
  const chain = runningChain();

  it('readings sent = points in InfluxDB = readings at the backend', async () => {
    const ts0 = Date.now() - 2 * 3_600_000;
    const probes = ['probe-1', 'probe-2'].map((deviceId) => new ProbePublisher({ deviceId, ts0 }));
    const send = (count: number) => Promise.all(probes.map((p) => p.sendAll(() => chain.mqttPort, count)));
    // First half: influxd goes down while it is being published.
    const firstHalf = send(PER_PROBE / 2);
    await probes[0]!.whenAcked(PER_PROBE / 4);
    const stopping = chain.stack.stopInfluxd();
    await firstHalf;
    await stopping;
    // Second half: published with influxd down, and it comes back while the stream goes on.
    const secondHalf = send(PER_PROBE);
    await probes[0]!.whenAcked((PER_PROBE * 3) / 4);
    const pendingAtRestart = (await chain.gatewayStats()).outboxPending.influx ?? 0;
    await chain.stack.startInfluxd();
    await secondHalf;
    await chain.drained();

    const sent = probes.reduce((n, p) => n + p.acked.size, 0);
    expect(sent).toBe(2 * PER_PROBE);
    expect(pendingAtRestart).toBeGreaterThanOrEqual(PER_PROBE / 4);
    const points = await chain.countPoints('probe_temperature', 'temp_c', `probe = 'probe-1' OR probe = 'probe-2'`);
    expect(points).toBe(sent);
    const stored = storedReadingIds(chain.dbPath).filter((id) => id.startsWith('probe-'));
    expect(new Set(stored).size).toBe(sent);
    expect(stored.length).toBe(sent);
    const stats = await chain.gatewayStats();
    expect(stats.deadLettered).toEqual({});
    console.info(JSON.stringify({ drill: 'influx-outage', sent, pendingAtRestart, pointsInInflux: points, backendStored: stored.length, writtenInflux: stats.written.influx }));
  });
});
