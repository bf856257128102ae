import { InfluxWriteError, type Post } from '@shelfwatch/service-kit';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SinkError } from '../../src/errors.js';
import { BackendSink } from '../../src/sinks/backend/backend-sink.js';
import { InfluxSink } from '../../src/sinks/influx/influx-sink.js';
import { probeReading } from '@shelfwatch/test-support';

const logger = pino({ level: 'silent' });

function backendWith(status: number | Error): { sink: BackendSink; calls: { url: string; headers: Record<string, string>; body: string }[] } {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const post: Post = async (url, request) => {
    calls.push({ url: url.href, headers: request.headers, body: request.body });
    if (typeof status !== 'number') throw status;
    return { status, text: 'nope' };
  };
  const sink = new BackendSink({ url: 'http://backend:3000/', token: 'secret-token', gatewayId: 'gw-1', logger, post });
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
  function influxWith(outcome: InfluxWriteError | number = 0): { sink: InfluxSink; setups: number; writes: number; dropped: [number, string][] } {
    const state = { setups: 0, writes: 0, dropped: [] as [number, string][] };
    const writer = {
      prepare: async () => {
        state.setups += 1;
      },
      write: async () => {
        state.writes += 1;
        if (typeof outcome !== 'number') throw outcome;
        return { droppedBeyondRetention: outcome };
      },
    };
    const sink = new InfluxSink({ url: 'http://influx:8086', logger, writer, onDropped: (n, reason) => state.dropped.push([n, reason]) });
    sink.init();
    return Object.assign(state, { sink });
  }

  it('runs the setup at start and writes the batch', async () => {
    const s = influxWith();
    await s.sink.start();
    await s.sink.write([probeReading(1)]);
    expect([s.setups, s.writes]).toEqual([1, 1]);
  });

  it.each([
    ['database not found', 404, true],
    ['field type conflict', 400, false],
    ['unavailable', 503, true],
  ])('passes the writer\'s classification on: %s (HTTP %i) is retryable: %s', async (message, status, retryable) => {
    const s = influxWith(new InfluxWriteError(message, retryable, status));
    await expect(s.sink.write([probeReading(1)])).rejects.toMatchObject({ name: 'SinkError', retryable, status });
  });

  it('a connection error is retryable', async () => {
    const s = influxWith(new InfluxWriteError('ECONNREFUSED', true));
    await expect(s.sink.write([probeReading(1)])).rejects.toMatchObject({ name: 'SinkError', retryable: true });
  });

  it('counts points InfluxDB dropped as beyond retention, and delivers the batch', async () => {
    const s = influxWith(2);
    await s.sink.write([probeReading(1), probeReading(2), probeReading(3)]);
    expect(s.dropped).toEqual([[2, 'beyond_retention']]);
  });
});
