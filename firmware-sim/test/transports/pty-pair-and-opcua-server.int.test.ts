import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir, type TempDir } from '@shelfwatch/test-support/temp-dir';
import { waitUntil } from '@shelfwatch/test-support/wait';
import { AttributeIds, DataType, OPCUAClient } from 'node-opcua';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpcuaServer, startPtyPair } from '../../src/transports/index.js';

describe('the simulator\'s transports', () => {
  let dir: TempDir;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    dir = await makeTempDir('sim-transports');
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await dir.remove();
  });

  it('links a socat pseudo-terminal pair that carries bytes both ways, and removes it on stop', async () => {
    const pair = await startPtyPair({ dir: dir.path });
    cleanups.push(() => pair.stop());
    const dev = new SerialPort({ path: pair.a, baudRate: 115200 });
    const host = new SerialPort({ path: pair.b, baudRate: 115200 });
    await Promise.all([once(dev, 'open'), once(host, 'open')]);
    const received = new Promise<string>((resolve) => host.once('data', (d: Buffer) => resolve(d.toString())));
    dev.write('$frame\r\n');
    expect(await received).toBe('$frame\r\n');
    await new Promise((r) => dev.close(r));
    await new Promise((r) => host.close(r));
    await pair.stop();
    expect(existsSync(pair.a)).toBe(false);
  });

  it('says what socat said when it cannot make the pair', async () => {
    await expect(startPtyPair({ dir: path.join(dir.path, 'no-such-folder') })).rejects.toThrow(/socat exited before its ptys were ready:\n.*no-such-folder/s);
  });

  it('serves an OPC UA variable to a real client session', async () => {
    const opcua = await startOpcuaServer({
      pkiDir: path.join(dir.path, 'opcua'),
      configure: (addressSpace, namespace) => {
        const obj = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Thing' });
        namespace.addVariable({ componentOf: obj, browseName: 'Value', nodeId: 's=Thing.Value', dataType: 'Double', value: { dataType: DataType.Double, value: 4.25 } });
      },
    });
    cleanups.push(() => opcua.stop());
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 1, initialDelay: 100 } });
    await client.connect(opcua.endpointUrl);
    const session = await client.createSession();
    const ns = (await session.readNamespaceArray()).indexOf('urn:NodeOPCUA-Server-default') ;
    const value = await waitUntil(async () => {
      const dv = await session.read({ nodeId: `ns=${ns < 0 ? 1 : ns};s=Thing.Value`, attributeId: AttributeIds.Value });
      return dv.value.value as number;
    }, { what: 'opc ua value' });
    expect(value).toBe(4.25);
    await session.close();
    await client.disconnect();
  });
});
