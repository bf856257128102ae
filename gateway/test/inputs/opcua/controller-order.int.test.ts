import type { Reading } from '@shelfwatch/contracts';
import { startOpcuaServer, type OpcuaServerHandle } from '@shelfwatch/firmware-sim/transports';
import { makeTempDir, type TempDir } from '@shelfwatch/test-support/temp-dir';
import { waitUntil } from '@shelfwatch/test-support/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerConnection } from '../../../src/inputs/opcua/controller-connection.js';
import { CaseControllerFixture } from '../../fixtures/case-controller.js';
import { connectTestController } from '../../fixtures/controller-connection.js';

/**
 * A publish response carries its notifications monitored item by monitored item, so door,
 * compressor and air values set within one publishing interval come grouped by variable. The
 * backend decides in event time and relies on each device's readings arriving in order: the
 * gateway must hand a controller's values on in the controller's own (source time) order.
 */
describe('OPC UA controller values in source-time order', () => {
  let dir: TempDir;
  let opcua: OpcuaServerHandle;
  let connection: ControllerConnection;
  const controller = new CaseControllerFixture({ controllerId: 'ctrl-1', caseId: 'case-1' });
  const emitted: Reading[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('gw-opcua-order');
    opcua = await startOpcuaServer({ configure: controller.configure, pkiDir: `${dir.path}/server`, users: { 'ctrl-1': 'ctrl-1-secret' } });
    // A long publishing interval, so that every value below goes out in one publish response.
    connection = await connectTestController({ endpointUrl: opcua.endpointUrl, clientPkiDir: `${dir.path}/client`, publishingIntervalMs: 1_000, emitted });
    await waitUntil(() => emitted.some((r) => r.kind === 'case.air_temperature'), { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await connection?.stop();
    await opcua?.stop();
    await dir?.remove();
  });

  it('emits door, compressor and air values set within one publishing interval oldest first', async () => {
    const t0 = Date.now() + 60_000;
    const before = emitted.length;
    // Door and compressor change between air samples: the server queues them per variable.
    for (let i = 0; i < 6; i++) {
      controller.set('airTempC', 4 + i, new Date(t0 + i * 10_000));
      controller.set('doorOpen', i % 2 === 0, new Date(t0 + i * 10_000 + 5_000));
      controller.set('compressorRunning', i % 2 === 1, new Date(t0 + i * 10_000 + 7_000));
    }
    await waitUntil(() => emitted.length - before >= 18, { timeoutMs: 30_000 });
    const times = emitted.slice(before).map((r) => r.ts);
    expect(times).toHaveLength(18);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
