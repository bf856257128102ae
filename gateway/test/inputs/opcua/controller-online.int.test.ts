import type { Reading } from '@shelfwatch/contracts';
import { OpcuaControllerLink } from '@shelfwatch/firmware-sim';
import { makeTempDir, type TempDir } from '@shelfwatch/test-support/temp-dir';
import { waitUntil } from '@shelfwatch/test-support/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerConnection } from '../../../src/inputs/opcua/controller-connection.js';
import { connectTestController } from '../../fixtures/controller-connection.js';

type Status = Extract<Reading, { kind: 'device.status' }>;

/**
 * A controller that could not be reached is back when the gateway reaches it again. What it
 * hands over then (its log, its current values) is dated while it was out of reach: the
 * "online" status takes the newest of the values it held when reached, so the backend sees
 * the controller away for as long as staff could not see the case, in whatever order the
 * readings reach it.
 */
describe('OPC UA controller back online', () => {
  let dir: TempDir;
  let controller: OpcuaControllerLink;
  let connection: ControllerConnection;
  const emitted: Reading[] = [];
  const statuses = () => emitted.filter((r): r is Status => r.kind === 'device.status');
  const t0 = Date.UTC(2026, 10, 30, 8, 0, 0);

  beforeAll(async () => {
    dir = await makeTempDir('gw-opcua-online');
    controller = new OpcuaControllerLink({ controllerId: 'ctrl-1', password: 'ctrl-1-secret', caseId: 'case-1', pkiDir: `${dir.path}/server` });
    await controller.start();
    controller.apply([{ variable: 'airTempC', value: 3.5, sourceTsMs: t0 }]);
    connection = await connectTestController({ endpointUrl: controller.endpointUrl, clientPkiDir: `${dir.path}/client`, publishingIntervalMs: 100, emitted });
    await waitUntil(() => statuses().some((s) => s.online), { what: 'controller online', timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await connection?.stop();
    await controller?.stop();
    await dir?.remove();
  });

  it('is dated by the newest value the controller held when reached again, not the first of its log', async () => {
    await controller.stop();
    await waitUntil(() => statuses().some((s) => !s.online), { what: 'controller offline', timeoutMs: 30_000 });
    expect(statuses().at(-1)).toMatchObject({ online: false, ts: t0 });
    // While out of reach the door closed (5 min in) and the air warmed (9 min in).
    controller.powerOff();
    controller.powerOn([
      { variable: 'doorOpen', value: false, sourceTsMs: t0 + 5 * 60_000 },
      { variable: 'airTempC', value: 4.1, sourceTsMs: t0 + 9 * 60_000 },
    ]);
    await controller.start();
    await waitUntil(() => statuses().at(-1)?.online === true, { what: 'controller back online', timeoutMs: 30_000 });
    expect(statuses().at(-1)!.ts).toBe(t0 + 9 * 60_000);
    // Its values keep their own times, in order, before the status.
    const after = emitted.slice(emitted.findIndex((r) => r.kind === 'device.status' && !r.online) + 1);
    expect(after.map((r) => [r.kind, r.ts])).toEqual([
      ['case.door', t0 + 5 * 60_000],
      ['case.air_temperature', t0 + 9 * 60_000],
      ['device.status', t0 + 9 * 60_000],
    ]);
  });

  it('a controller that set nothing new while out of reach is back with its next value', async () => {
    const offline = statuses().length;
    await controller.stop();
    await waitUntil(() => statuses().length > offline, { what: 'controller offline again', timeoutMs: 30_000 });
    controller.powerOff();
    controller.powerOn([]);
    await controller.start();
    await controller.subscriberBack(30_000);
    const next = t0 + 20 * 60_000;
    controller.apply([{ variable: 'airTempC', value: 4.3, sourceTsMs: next }]);
    await waitUntil(() => statuses().at(-1)?.online === true, { what: 'controller back online', timeoutMs: 30_000 });
    expect(statuses().at(-1)!.ts).toBe(next);
  });
});
