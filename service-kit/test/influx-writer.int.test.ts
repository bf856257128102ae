import { INFLUX_DATABASE, influxSetupStatements, intField, pointTimestampNs, type InfluxPointShape } from '@shelfwatch/contracts';
import { freePort, startInfluxd, waitUntil, type InfluxdHandle } from '@shelfwatch/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxWriteError, InfluxWriter } from '../src/influx-writer.js';

let influxd: InfluxdHandle;
const DB = INFLUX_DATABASE;
const writerFor = (database = DB) => new InfluxWriter({ url: influxd.url, database, setupStatements: influxSetupStatements(database) });

/** Times come back as RFC 3339 strings, which (unlike epoch=ns numbers) keep every nanosecond. */
async function query(q: string, database = DB): Promise<{ columns: string[]; values: unknown[][] }[]> {
  const res = await fetch(`${influxd.url}/query?db=${encodeURIComponent(database)}&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { results: { error?: string; series?: { columns: string[]; values: unknown[][] }[] }[] };
  if (body.results[0]?.error) throw new Error(body.results[0].error);
  return body.results[0]?.series ?? [];
}

async function statement(q: string): Promise<void> {
  const res = await fetch(`${influxd.url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
  expect(res.ok).toBe(true);
}

const point = (measurement: string, fields: InfluxPointShape['fields'], timestampNs: string, tags: Record<string, string> = {}): InfluxPointShape => ({ measurement, tags, fields, timestampNs });
const nowNs = (offsetMs = 0, key = 'k') => pointTimestampNs(Date.now() + offsetMs, key);
/** How influxd prints a nanosecond timestamp: RFC 3339 with the fraction's trailing zeros cut. */
function rfc3339(timestampNs: string): string {
  const ns = BigInt(timestampNs);
  const fraction = String(ns % 1_000_000_000n).padStart(9, '0').replace(/0+$/, '');
  return `${new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

beforeAll(async () => {
  influxd = await startInfluxd();
});

afterAll(async () => {
  await influxd?.destroy();
});

describe('InfluxWriter against a real influxd', () => {
  it('creates the database on the first write, and what it writes reads back exactly: escaped names, types, nanoseconds', async () => {
    const writer = writerFor();
    const ts = nowNs(0, 'escape');
    const result = await writer.write([
      point('cold room,1', { 'the note': 'say "hi" \\ bye\nsecond line', 'a=b': true, n: intField(42), x: 3, y: -0.125 }, ts, { 'probe id': 'a=b,c d', empty: '' }),
    ]);
    expect(result).toEqual({ droppedBeyondRetention: 0 });
    const [series] = await query('SELECT * FROM "cold room,1"');
    const row = Object.fromEntries(series!.columns.map((c, i) => [c, series!.values[0]![i]]));
    expect(row).toMatchObject({
      time: rfc3339(ts), 'probe id': 'a=b,c d', 'the note': 'say "hi" \\ bye\nsecond line', 'a=b': true, n: 42, x: 3, y: -0.125 });
    expect(series!.columns).not.toContain('empty');
    const fieldTypes = Object.fromEntries((await query('SHOW FIELD KEYS FROM "cold room,1"'))[0]!.values as [string, string][]);
    expect(fieldTypes).toEqual({ 'a=b': 'boolean', n: 'integer', 'the note': 'string', x: 'float', y: 'float' });
  });

  it('keeps points apart by their nanoseconds, and a rewrite lands on the same point', async () => {
    const writer = writerFor();
    const at = Date.now();
    const points = ['r1', 'r2', 'r3'].map((id) => point('same_ms', { v: 1 }, pointTimestampNs(at, id), { store: 's1' }));
    await writer.write(points);
    await writer.write(points);
    const [series] = await query('SELECT v FROM same_ms');
    expect(series!.values.map((v) => v[0])).toEqual(points.map((p) => rfc3339(p.timestampNs)).sort());
  });

  it('refuses a field type conflict as permanent; the other points of the batch are written', async () => {
    const writer = writerFor();
    await writer.write([point('typed', { count: intField(1) }, nowNs(-2_000))]);
    const err = await writer.write([point('typed', { count: 1.5 }, nowNs(-1_000)), point('typed_ok', { v: 1 }, nowNs())]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfluxWriteError);
    expect(err).toMatchObject({ retryable: false, status: 400 });
    expect((err as Error).message).toMatch(/field type conflict/);
    expect(await query('SELECT v FROM typed_ok')).toHaveLength(1);
  });

  it('reports points older than the retention policy as dropped, and writes the rest', async () => {
    const writer = writerFor();
    const result = await writer.write([point('old', { v: 1 }, nowNs(-30 * 86_400_000)), point('old', { v: 2 }, nowNs())]);
    expect(result).toEqual({ droppedBeyondRetention: 1 });
    expect((await query('SELECT v FROM old'))[0]!.values.map((v) => v[1])).toEqual([2]);
  });

  it('a database that is not there: 404, retryable, and created again before the next write', async () => {
    const noSetup = new InfluxWriter({ url: influxd.url, database: 'nowhere' });
    await expect(noSetup.write([point('m', { v: 1 }, nowNs())])).rejects.toMatchObject({ name: 'InfluxWriteError', retryable: true, status: 404 });

    const writer = writerFor('dropped');
    await writer.write([point('m', { v: 1 }, nowNs(-1_000))]);
    await statement('DROP DATABASE "dropped"');
    // influxd takes a write that comes right after DROP DATABASE and loses it; wait until it refuses.
    await waitUntil(async () => (await fetch(`${influxd.url}/write?db=dropped`, { method: 'POST', body: 'probe v=1' })).status === 404, { what: 'influxd to refuse writes to the dropped database' });
    await expect(writer.write([point('m', { v: 2 }, nowNs())])).rejects.toMatchObject({ retryable: true, status: 404 });
    expect(writer.prepared).toBe(false);
    await writer.write([point('m', { v: 3 }, nowNs())]);
    expect((await query('SELECT v FROM m', 'dropped'))[0]!.values.map((v) => v[1])).toEqual([3]);
  });

  it('a point that cannot be encoded is refused as permanent before any request; a server that is not there is retryable', async () => {
    const writer = writerFor();
    await expect(writer.write([point('m', { v: 1 }, nowNs(), { store: 'a\nb' })])).rejects.toMatchObject({ retryable: false, status: undefined });
    const down = new InfluxWriter({ url: `http://127.0.0.1:${await freePort()}`, database: DB, setupStatements: influxSetupStatements() });
    await expect(down.write([point('m', { v: 1 }, nowNs())])).rejects.toMatchObject({ name: 'InfluxWriteError', retryable: true, status: undefined });
  });
});
