import { once } from 'node:events';
import { existsSync } from 'node:fs';
import mqtt from 'mqtt';
import { DataType, OPCUAClient, AttributeIds } from 'node-opcua';
import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { influxQuery, rowsOf, startAedes, startInfluxd, startOpcuaServer, startPtyPair, waitUntil } from '../src/index.js';

describe('real-service harness', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('runs a private influxd that stores and returns a point, and survives stop/start', async () => {
    const influx = await startInfluxd();
    cleanups.push(() => influx.destroy());
    await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE t')}`, { method: 'POST' });
    const write = await fetch(`${influx.url}/write?db=t&precision=ms`, { method: 'POST', body: 'm,tag=a v=1.5 1700000000000' });
    expect(write.status).toBe(204);
    await influx.stop();
    expect(influx.running()).toBe(false);
    await influx.start();
    const rows = rowsOf(await influxQuery(influx.url, 't', 'SELECT v FROM m'));
    expect(rows).toEqual([{ time: 1_700_000_000_000, v: 1.5 }]);
  });

  it('runs an aedes broker on port 0 with its auth hooks', async () => {
    const broker = await startAedes({
      authenticate: (_client, username, password, done) => {
        if (username === 'dev' && password?.toString() === 'secret-pw') return done(null, true);
        done(Object.assign(new Error('bad user name or password'), { returnCode: 4 as const }), null);
      },
    });
    cleanups.push(() => broker.close());
    const client = await mqtt.connectAsync(broker.url, { username: 'dev', password: 'secret-pw', reconnectPeriod: 0 });
    const got = new Promise<string>((resolve) => broker.broker.on('publish', (p) => { if (p.topic === 'x/y') resolve(p.payload.toString()); }));
    await client.publishAsync('x/y', 'hello', { qos: 1 });
    expect(await got).toBe('hello');
    await client.endAsync();

    const refused = await mqtt.connectAsync(broker.url, { username: 'dev', password: 'wrong-pw', reconnectPeriod: 0 }).then(
      () => null,
      (err: Error & { code?: number }) => err,
    );
    expect(refused?.code).toBe(4);
  });

  it('links a socat pseudo-terminal pair that carries bytes both ways', async () => {
    const pair = await startPtyPair();
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

  it('serves an OPC UA variable to a real client session', async () => {
    const opcua = await startOpcuaServer({
      configure: (addressSpace, namespace) => {
        const obj = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Thing' });
        namespace.addVariable({ componentOf: obj, browseName: 'Value', nodeId: 's=Thing.Value', dataType: 'Double', value: { dataType: DataType.Double, value: 4.25 } });
      },
    });
    cleanups.push(() => opcua.destroy());
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
