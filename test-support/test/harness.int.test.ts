import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { influxQuery, rowsOf, startAedes, startInfluxd, startPostgres } from '../src/index.js';

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

  it('restarts a private postgres on the same data and port: committed rows survive a crash, a connection cut by it fails', async () => {
    const postgres = await startPostgres();
    cleanups.push(() => postgres.stop());
    const url = await postgres.createDatabase();
    const client = new pg.Client({ connectionString: url });
    const clientError = new Promise<Error>((resolve) => client.once('error', resolve));
    await client.connect();
    await client.query('CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)');
    await postgres.stopServer('immediate');
    // The cut connection says so (a pool drops such a client); it is not left hanging.
    expect((await clientError).message).toMatch(/terminat|shut|connection/i);
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await postgres.startServer();
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    await again.query('INSERT INTO t VALUES (3)');
    await again.end();
    await postgres.stopServer('fast');
    await postgres.startServer();
    const third = new pg.Client({ connectionString: url });
    await third.connect();
    expect((await third.query<{ v: number }>('SELECT v FROM t ORDER BY v')).rows.map((r) => r.v)).toEqual([1, 2, 3]);
    await Promise.all([third.end(), client.end().catch(() => undefined)]);
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
});
