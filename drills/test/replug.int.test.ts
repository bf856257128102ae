import path from 'node:path';
import { createSimulation, scenarioFromObject, type Simulation } from '@shelfwatch/firmware-sim';
import { freePort, makeTempDir, testCredentials, testLayout, waitUntil, type TempDir } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from './support/chain.js';

const SPEED = 300;

/**
 * A board unplugged and plugged back, a controller rebooted: what the devices send right after
 * they come back must reach InfluxDB like everything else. (A serial port reopened after the
 * board has started talking again, or an OPC UA subscription made after the controller has
 * already updated its values, loses them unless the protocol covers that moment.)
 */
describe('drill: board re-plug, controller reboot and a power cut mid-run, simulator → gateway → InfluxDB', () => {
  let dir: TempDir;
  let sim: Simulation;
  let chain: Chain;

  beforeAll(async () => {
    dir = await makeTempDir('replug');
    const scenario = await scenarioFromObject({
      name: 'replug',
      description: 'board-1 unplugged twice, ctrl-1 rebooted twice, then a power cut',
      store: testLayout(),
      // Recent enough for InfluxDB's raw retention policy.
      settings: { startTime: new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000).toISOString(), durationS: '2h', demand: { unitsPerSlotPerDay: 200 } },
      timeline: [
        { at: '20m', type: 'board_disconnect', boardId: 'board-1', forS: '5m' },
        { at: '35m', type: 'controller_offline', controllerId: 'ctrl-1', forS: '3m' },
        { at: '60m', type: 'board_disconnect', boardId: 'board-1', forS: '10m' },
        { at: '80m', type: 'controller_offline', controllerId: 'ctrl-1', forS: '3m' },
        { at: '95m', type: 'power_cut', forS: '8m' },
      ],
    });
    const mqttPort = await freePort();
    sim = await createSimulation({ scenario, seed: 3, speed: SPEED, mqttUrl: `mqtt://127.0.0.1:${mqttPort}`, credentials: testCredentials(), workDir: path.join(dir.path, 'sim') });
    chain = new Chain({
      mqttPort,
      boards: Object.fromEntries(Object.entries(sim.endpoints.boards).map(([id, p]) => [id, { path: p }])),
      controllers: Object.fromEntries(Object.entries(sim.endpoints.controllers).map(([id, url]) => [id, { endpointUrl: url }])),
      controllerCertificates: sim.endpoints.controllerCertificates,
    });
    await chain.prepare();
    await chain.startBackend();
    await chain.startGateway();
    await waitUntil(() => chain.gatewayHealthy(), { timeoutMs: 60_000, intervalMs: 100, what: 'the gateway to open the board port and the controller session' });
  });
  afterAll(async () => {
    await sim?.stop();
    await chain?.stop();
    await dir?.remove();
  });

  it('every serial reading and controller value the devices sent is in InfluxDB, including right after they came back', async () => {
    await sim.run();
    const summary = await sim.stop({
      // Unplugging before the gateway has read the frames still on the lines would lose them:
      // wait until it has accepted as many readings as the devices sent (a gateway that lost
      // some never gets there, and the count below says by how many).
      beforeDisconnect: async () => {
        const sent = sim.stats().readingsByKind;
        await waitUntil(
          async () => {
            const { accepted } = await chain.gatewayStats();
            return (accepted.serial ?? 0) >= sent.serial && (accepted.opcua ?? 0) >= sent.opcua;
          },
          { timeoutMs: 60_000, intervalMs: 200, what: 'the gateway to accept every reading the devices sent' },
        ).catch(() => undefined);
      },
    });
    await chain.drained();
    const serial = await chain.countPoints('shelf_weight', 'raw_counts');
    const opcua = await opcuaPoints(chain);
    console.info(JSON.stringify({ drill: 'replug', sent: summary.readingsByKind, framesLostOffline: summary.framesLostOffline, inInflux: { serial, opcua } }));
    expect(summary.readingsByKind.serial).toBeGreaterThan(1_000);
    expect(summary.readingsByKind.opcua).toBeGreaterThan(50);
    expect({ serial, opcua }).toEqual({ serial: summary.readingsByKind.serial, opcua: summary.readingsByKind.opcua });
  });
});

async function opcuaPoints(chain: Chain): Promise<number> {
  let n = 0;
  for (const field of ['air_temp_c', 'setpoint_c', 'defrost', 'door_open', 'compressor']) n += await chain.countPoints('case_controller', field);
  return n;
}
