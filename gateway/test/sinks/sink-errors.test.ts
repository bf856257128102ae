import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SinkError } from '../../src/errors.js';
import { BackendSink, type FetchLike } from '../../src/sinks/backend/backend-sink.js';
import { InfluxSink, type InfluxClient } from '../../src/sinks/influx/influx-sink.js';
import { probeReading } from '@shelfwatch/test-support';

const logger = pino({ level: 'silent' });

function backendWith(status: number | Error): { sink: BackendSink; calls: { url: string; headers: Record<string, string>; body: string }[] } {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, headers: init.headers, body: init.body });
    if (typeof status !== 'number') throw status;
    return { status, text: async () => 'nope' };
  };
  const sink = new BackendSink({ url: 'http://backend:3000/', token: 'secret-token', gatewayId: 'gw-1', logger, fetch });
  sink.init();
  return { sink, calls };
}

describe('BackendSink', () => {
  it('posts an IngestBatch with the bearer token', async () => {
    const { sink, calls } = backendWith(200);
    await sink.write([probeReading(1)]);
    expect(calls[0]!.url).toBe('http://backend:3000/api/v1/ingest');
    expect(calls[0]!.headers.authorization).toBe('Bearer secret-token');
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ gatewayId: 'gw-1', readings: [{ id: 'probe-1:1' }] });
  });

  it.each([
    [503, true],
    [500, true],
    [429, true],
    [408, true],
    [400, false],
    [401, true], // wrong token: every batch would fail, so keep the data and retry
    [404, true],
    [413, false],
    [422, false],
  ])('HTTP %i is retryable: %s', async (status, retryable) => {
    const { sink } = backendWith(status);
    const err = await sink.write([probeReading(1)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).retryable).toBe(retryable);
  });

  it('a network error is retryable', async () => {
    const { sink } = backendWith(new Error('ECONNREFUSED'));
    await expect(sink.write([probeReading(1)])).rejects.toMatchObject({ retryable: true });
  });
});

describe('InfluxSink', () => {
  function influxWith(writeError?: Error): { sink: InfluxSink; statements: string[]; writes: number } {
    const state = { statements: [] as string[], writes: 0 };
    const client: InfluxClient = {
      queryRaw: async (q) => {
        state.statements.push(q);
        return { results: [{}] };
      },
      writePoints: async () => {
        state.writes += 1;
        if (writeError) throw writeError;
      },
    };
    const sink = new InfluxSink({ url: 'http://influx:8086', logger, createClient: () => client });
    sink.init();
    return Object.assign(state, { sink });
  }

  it('runs the setup statements before writing', async () => {
    const s = influxWith();
    await s.sink.start();
    await s.sink.write([probeReading(1)]);
    expect(s.statements[0]).toBe('CREATE DATABASE "shelfwatch"');
    expect(s.writes).toBe(1);
  });

  it('recreates the database after a 404 (database not found) and retries', async () => {
    const gone = influxWith(Object.assign(new Error('database not found'), { res: { statusCode: 404 } }));
    await gone.sink.start();
    await expect(gone.sink.write([probeReading(1)])).rejects.toMatchObject({ retryable: true, status: 404 });
    const before = gone.statements.length;
    await gone.sink.write([probeReading(1)]).catch(() => undefined);
    expect(gone.statements.length).toBeGreaterThan(before);
  });

  it('classifies a 400 (field type conflict) as permanent and connection errors as retryable', async () => {
    const bad = influxWith(Object.assign(new Error('field type conflict'), { res: { statusCode: 400 } }));
    await bad.sink.start();
    await expect(bad.sink.write([probeReading(1)])).rejects.toMatchObject({ retryable: false, status: 400 });
    const down = influxWith(new Error('ECONNREFUSED'));
    await down.sink.start();
    await expect(down.sink.write([probeReading(1)])).rejects.toMatchObject({ retryable: true });
  });
});
