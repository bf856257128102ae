import { once } from 'node:events';
import path from 'node:path';
import { CASE_CONTROLLER_NAMESPACE, caseNodeId } from '@shelfwatch/contracts';
import { makeTempDir, type TempDir } from '@shelfwatch/test-support/temp-dir';
import { AttributeIds, ClientMonitoredItem, UserTokenType, MessageSecurityMode, OPCUAClient, SecurityPolicy, TimestampsToReturn, type ClientSession, type DataValue } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaControllerLink } from '../../src/transports/opcua-controller-link.js';
import { createCertificateManager } from '../../src/transports/opcua-server.js';

const T0 = 1_772_445_600_000;

describe('case controller as a real node-opcua server', () => {
  let dir: TempDir;
  let link: OpcuaControllerLink;
  let client: OPCUAClient;

  beforeAll(async () => {
    dir = await makeTempDir('sim-opcua');
    link = new OpcuaControllerLink({ controllerId: 'ctl-1', caseId: 'case-1', pkiDir: path.join(dir.path, 'server'), password: 'ctl-1-secret' });
    await link.start();
    client = OPCUAClient.create({
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      clientCertificateManager: await createCertificateManager(path.join(dir.path, 'client')),
      connectionStrategy: { maxRetry: 20, initialDelay: 100, maxDelay: 500 },
    });
  });
  afterAll(async () => {
    await client.disconnect();
    await link.stop();
    await dir.remove();
  });

  async function nodeId(session: ClientSession, browseName: string): Promise<string> {
    const ns = (await session.readNamespaceArray()).indexOf(CASE_CONTROLLER_NAMESPACE);
    expect(ns).toBeGreaterThan(0);
    return `ns=${ns};s=${caseNodeId(browseName)}`;
  }

  it('exposes identity and values with simulated source timestamps, and notifies a monitored item', async () => {
    expect(link.apply([
      { variable: 'airTempC', value: 3.2, sourceTsMs: T0 },
      { variable: 'setpointC', value: 3, sourceTsMs: T0 },
      { variable: 'defrostActive', value: false, sourceTsMs: T0 },
      { variable: 'doorOpen', value: false, sourceTsMs: T0 },
      { variable: 'compressorRunning', value: true, sourceTsMs: T0 },
    ])).toBe(5);
    await client.connect(link.endpointUrl);
    // Anonymous sessions and wrong passwords are refused: the controller only serves its own login.
    await expect(client.createSession()).rejects.toThrow();
    await expect(client.createSession({ type: UserTokenType.UserName, userName: 'ctl-1', password: 'wrong-pass' })).rejects.toThrow();
    const session = await client.createSession({ type: UserTokenType.UserName, userName: 'ctl-1', password: 'ctl-1-secret' });
    expect((await session.read({ nodeId: await nodeId(session, 'ControllerId'), attributeId: AttributeIds.Value })).value.value).toBe('ctl-1');
    expect((await session.read({ nodeId: await nodeId(session, 'CaseId'), attributeId: AttributeIds.Value })).value.value).toBe('case-1');
    const air = await session.read({ nodeId: await nodeId(session, 'AirTemperature'), attributeId: AttributeIds.Value }, 0);
    expect(air.value.value).toBe(3.2);
    expect(air.sourceTimestamp?.getTime()).toBe(T0);
    const compressor = await session.read({ nodeId: await nodeId(session, 'CompressorRunning'), attributeId: AttributeIds.Value });
    expect(compressor.value.value).toBe(true);

    const subscription = await session.createSubscription2({ requestedPublishingInterval: 50, publishingEnabled: true, requestedMaxKeepAliveCount: 10, requestedLifetimeCount: 100 });
    const airNode = await nodeId(session, 'AirTemperature');
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId: airNode, attributeId: AttributeIds.Value },
      { samplingInterval: 0, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    const seen: DataValue[] = [];
    const changed = new Promise<void>((resolve) =>
      item.on('changed', (dv: DataValue) => {
        seen.push(dv);
        if (dv.value.value === 4.5) resolve();
      }),
    );
    await once(item, 'initialized');
    link.apply([{ variable: 'airTempC', value: 4.5, sourceTsMs: T0 + 5000 }]);
    await changed;
    expect(seen.at(-1)?.sourceTimestamp?.getTime()).toBe(T0 + 5000);
    await subscription.terminate();
    await session.close();
    await client.disconnect();
  });

  it('after a reboot holds the same values with their original timestamps, and counts only new ones', async () => {
    await link.stop();
    expect(link.apply([{ variable: 'doorOpen', value: true, sourceTsMs: T0 + 9000 }])).toBe(0);
    await link.start();
    const fresh = link.restore([
      { variable: 'airTempC', value: 4.5, sourceTsMs: T0 + 5000 },
      { variable: 'doorOpen', value: true, sourceTsMs: T0 + 9000 },
    ]);
    expect(fresh).toBe(1);
    await client.connect(link.endpointUrl);
    const session = await client.createSession({ type: UserTokenType.UserName, userName: 'ctl-1', password: 'ctl-1-secret' });
    const air = await session.read({ nodeId: await nodeId(session, 'AirTemperature'), attributeId: AttributeIds.Value }, 0);
    expect(air.value.value).toBe(4.5);
    expect(air.sourceTimestamp?.getTime()).toBe(T0 + 5000);
    const door = await session.read({ nodeId: await nodeId(session, 'DoorOpen'), attributeId: AttributeIds.Value }, 0);
    expect(door.value.value).toBe(true);
    await session.close();
    await client.disconnect();
  });
});
