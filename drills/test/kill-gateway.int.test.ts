import { describe, expect, it } from 'vitest';
import { allTasks, metricSum, storedReadingIds } from './support/backend-process.js';
import { runningChain } from './support/chain.js';
import { ProbePublisher } from './support/probe-publisher.js';

const N = 3_000;
/** Product probe readings above the ceiling, a minute apart: longer than any alarm delay. */
const HOT = 40;

describe('drill: kill -9 of the gateway mid-stream (MQTT QoS 1 → gateway → influxd + backend)', () => {
  const chain = runningChain();

  it('acknowledged readings = points in InfluxDB = readings at the backend, each id once; tasks unaffected', async () => {
    const ts0 = Date.now() - 2 * 3_600_000;
    // One product probe above the 8 °C ceiling: exactly one cold-chain task, before the kill.
    const hot = new ProbePublisher({ deviceId: 'probe-2', ts0, stepMs: 60_000, tempC: () => 12 });
    await hot.sendAll(() => chain.mqttPort, HOT);
    await chain.drained();
    const tasksBefore = await allTasks(chain.backendUrl);
    expect(tasksBefore.some((t) => t.kind === 'temperature_excursion')).toBe(true);

    const probe = new ProbePublisher({ deviceId: 'probe-1', ts0 });
    const first = probe.round(chain.mqttPort, N).catch(() => undefined);
    await probe.whenAcked(N / 3);
    await chain.gateway!.proc.kill('SIGKILL');
    await first;
    const ackedAtKill = probe.acked.size;
    expect(ackedAtKill).toBeLessThan(N);

    await chain.startGateway();
    await probe.sendAll(() => chain.mqttPort, N);
    expect(probe.acked.size).toBe(N);
    await chain.drained();

    expect(await chain.countPoints('probe_temperature', 'temp_c', `probe = 'probe-1'`)).toBe(N);
    const ids = storedReadingIds(chain.dbPath).filter((id) => id.startsWith('probe-1:'));
    expect(ids.length).toBe(N);
    expect(new Set(ids).size).toBe(N);
    const accepted = await metricSum(chain.backendUrl, 'shelfwatch_backend_readings_total', (l) => l.includes('result="accepted"'));
    const duplicates = await metricSum(chain.backendUrl, 'shelfwatch_backend_readings_total', (l) => l.includes('result="duplicate"'));
    // Besides the devices' readings, the restarted gateway's statement that it had stopped listening.
    expect(accepted).toBe(N + HOT + 1);
    expect(storedReadingIds(chain.dbPath).filter((id) => id.startsWith('gw-1:status:'))).toHaveLength(1);
    // The cold-chain task neither lost nor doubled by the kill. (Other tasks may follow as event
    // time moves on: the rules decide each minute once every device has reported past it.)
    const tasksAfter = await allTasks(chain.backendUrl);
    const coldChain = (tasks: typeof tasksAfter) => tasks.filter((t) => t.kind === 'temperature_excursion').map((t) => t.id);
    expect(coldChain(tasksAfter)).toEqual(coldChain(tasksBefore));
    console.info(JSON.stringify({ drill: 'kill-gateway', sent: N, ackedAtKill, pointsInInflux: N, backendAccepted: accepted, backendDuplicates: duplicates, tasks: tasksAfter.map((t) => t.kind) }));
  });
});
