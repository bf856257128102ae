import type { Post } from '@shelfwatch/service-kit';
import { probeReading } from '@shelfwatch/test-support';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BackendSink } from '../../../src/sinks/backend/backend-sink.js';
import { EndpointRotation, peerUnavailable } from '../../../src/sinks/backend/endpoint-rotation.js';

const URLS = ['http://a:3000', 'http://b:3000/', 'http://c:3000/shelfwatch'];

/** A sink over a fake transport whose answer per host is set by the test. */
function sinkWith(answers: Record<string, number | Error>) {
  const hosts: string[] = [];
  const switches: [string, string][] = [];
  const post: Post = async (url) => {
    hosts.push(url.host);
    const answer = answers[url.hostname] ?? 200;
    if (typeof answer !== 'number') throw answer;
    return { status: answer, text: '' };
  };
  const sink = new BackendSink({ urls: URLS, token: 'secret-token', gatewayId: 'gw-1', logger: pino({ level: 'silent' }), post, onFailover: (from, to) => switches.push([from, to]) });
  sink.init();
  const write = () => sink.write([probeReading(1)]).catch(() => undefined);
  return { sink, hosts, switches, write };
}

describe('backend failover', () => {
  it.each([
    ['connection refused', new Error('connect ECONNREFUSED')],
    ['no answer in time', new Error('no answer within 30000 ms')],
    ['HTTP 502', 502],
    ['HTTP 503', 503],
    ['HTTP 504', 504],
  ])('%s at the current URL: the next attempt goes to the next URL', async (_name, answer) => {
    const { sink, hosts, switches, write } = sinkWith({ a: answer });
    await write();
    await write();
    expect(hosts).toEqual(['a:3000', 'b:3000']);
    expect(switches).toEqual([['http://a:3000', 'http://b:3000/']]);
    expect(sink.details()).toEqual({ url: 'http://b:3000/', urls: 3 });
  });

  it.each([400, 401, 404, 422, 429, 500])('HTTP %i is about the data, the token or the backend itself: no switch', async (status) => {
    const { hosts, switches, write } = sinkWith({ a: status });
    await write();
    await write();
    expect(hosts).toEqual(['a:3000', 'a:3000']);
    expect(switches).toEqual([]);
  });

  it('goes round the list, and stays on a URL that works (no flapping back to the first)', async () => {
    const answers: Record<string, number | Error> = { a: 503, b: 503 };
    const { sink, hosts, write } = sinkWith(answers);
    await write();
    await write();
    answers.a = 200; // the first recovers: the working third is kept
    for (let i = 0; i < 3; i++) await write();
    expect(hosts.map((h) => h.split(':')[0])).toEqual(['a', 'b', 'c', 'c', 'c']);
    expect(sink.details().url).toBe('http://c:3000/shelfwatch');
    answers.c = new Error('socket hang up');
    await write();
    await write();
    expect(hosts.slice(5).map((h) => h.split(':')[0])).toEqual(['c', 'a']);
  });

  it('a write ended because the runner stops does not switch', async () => {
    const post: Post = (_url, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    const sink = new BackendSink({ urls: URLS, token: 'secret-token', gatewayId: 'gw-1', logger: pino({ level: 'silent' }), post });
    sink.init();
    const stop = new AbortController();
    const written = sink.write([probeReading(1)], stop.signal).catch((e: unknown) => e);
    stop.abort();
    await written;
    expect(sink.details().url).toBe('http://a:3000');
  });

  it('takes one URL as a list of one, where a failure has nowhere to go', async () => {
    const switches: string[] = [];
    const sink = new BackendSink({ url: 'http://a:3000', token: 'secret-token', gatewayId: 'gw-1', logger: pino({ level: 'silent' }), post: async () => ({ status: 503, text: '' }), onFailover: (_from, to) => switches.push(to) });
    sink.init();
    await sink.write([probeReading(1)]).catch(() => undefined);
    expect(switches).toEqual([]);
    expect(sink.details()).toEqual({ url: 'http://a:3000', urls: 1 });
  });

  it('refuses a URL that is not http(s) when it starts', () => {
    const sink = new BackendSink({ urls: ['http://a:3000', 'ftp://b'], token: 'secret-token', gatewayId: 'gw-1', logger: pino({ level: 'silent' }) });
    expect(() => sink.init()).toThrow('backend URL must be http(s), got ftp:');
  });
});

describe('EndpointRotation', () => {
  it('ignores a failure of a URL that is no longer current', () => {
    const rotation = new EndpointRotation(['a', 'b', 'c']);
    expect(rotation.failedOver('a')).toEqual({ from: 'a', to: 'b' });
    expect(rotation.failedOver('a')).toBeUndefined();
    expect(rotation.current).toBe('b');
  });

  it('tells a peer that is unavailable from an answer about the request', () => {
    expect(peerUnavailable({ error: new Error('ECONNRESET') })).toBe(true);
    expect([502, 503, 504].every((status) => peerUnavailable({ status }))).toBe(true);
    expect([400, 401, 403, 404, 408, 413, 422, 429, 500, 501].some((status) => peerUnavailable({ status }))).toBe(false);
  });
});
