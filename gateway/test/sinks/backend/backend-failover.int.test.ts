import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngestBatch } from '@shelfwatch/contracts';
import { makeTempDir, probeReading, type TempDir } from '@shelfwatch/test-support';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/http/gateway-metrics.js';
import { Outbox } from '../../../src/outbox/outbox.js';
import { BackendSink } from '../../../src/sinks/backend/backend-sink.js';
import { SinkRunner } from '../../../src/sinks/sink-runner.js';

const TOKEN = 'gateway-token';

/**
 * Two backend replicas over one store, as replicas share their database: a reading is
 * accepted once, by id, whichever replica it reaches (the backend's deduplication).
 */
class ReplicaSet extends EventEmitter {
  /** Reading ids in the order they were accepted. */
  readonly accepted: string[] = [];
  private readonly seen = new Set<string>();

  /** Resolves once `n` readings are accepted. */
  async acceptedCount(n: number): Promise<void> {
    while (this.accepted.length < n) await once(this, 'accepted');
  }

  accept(batch: IngestBatch): void {
    for (const { id } of batch.readings) {
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.accepted.push(id);
    }
    this.emit('accepted');
  }
}

type Answer = 'store' | 'refuse' | 'unavailable' | 'store-then-crash';

/** One replica: a real HTTP server on a free port; `answer` decides what it does with a batch. */
class Replica {
  readonly server: Server;
  /** Ids of every batch received, in order (retries included). */
  readonly received: string[][] = [];

  constructor(
    private readonly set: ReplicaSet,
    private readonly answer: (batch: IngestBatch, request: number) => Answer,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url !== '/api/v1/ingest' || req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as IngestBatch;
    this.received.push(batch.readings.map((r) => r.id));
    const answer = this.answer(batch, this.received.length);
    if (answer === 'refuse') return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad reading"}');
    if (answer === 'unavailable') return void res.writeHead(503).end();
    this.set.accept(batch);
    if (answer === 'store') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
    // Committed, then gone before answering: the gateway cannot know the batch arrived.
    req.socket.destroy();
    void this.stop();
  }
}

let dir: TempDir;
let outbox: Outbox;
let replicas: Replica[];
let runner: SinkRunner | undefined;

beforeEach(async () => {
  dir = await makeTempDir('backend-failover');
  outbox = new Outbox({ path: `${dir.path}/o.db`, sinks: ['backend'], clock: { now: () => 0 } });
  await outbox.open();
  replicas = [];
}, 30_000);

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await Promise.all(replicas.map((r) => r.stop()));
  await outbox.close();
  await dir.remove();
}, 30_000);

async function startSink(set: ReplicaSet, answers: ((batch: IngestBatch, request: number) => Answer)[]) {
  replicas = answers.map((answer) => new Replica(set, answer));
  const urls = await Promise.all(replicas.map((r) => r.listen()));
  const metrics = new GatewayMetrics();
  const sink = new BackendSink({ urls, token: TOKEN, gatewayId: 'gw-1', logger: pino({ level: 'silent' }), onFailover: () => metrics.backendFailover() });
  sink.init();
  runner = new SinkRunner({ sink, outbox, metrics, logger: pino({ level: 'silent' }), backoff: { initialMs: 20, maxMs: 100 } });
  runner.start();
  const failovers = async () => (await metrics.registry.getSingleMetric('shelfwatch_gateway_backend_failovers_total')!.get()).values[0]?.value ?? 0;
  return { urls, metrics, runner, failovers };
}

async function append(from: number, to: number): Promise<string[]> {
  const readings = Array.from({ length: to - from + 1 }, (_, i) => probeReading(from + i));
  await outbox.append([readings]);
  runner?.wake();
  return readings.map((r) => r.id);
}

describe('BackendSink failover between backend URLs', () => {
  it('moves to the second backend when the first dies mid-request; every reading is accepted once, in order', async () => {
    const set = new ReplicaSet();
    const { urls, runner, failovers } = await startSink(set, [(_batch, request) => (request === 2 ? 'store-then-crash' : 'store'), () => 'store']);
    const [first, second] = replicas as [Replica, Replica];
    const ids = await append(1, 5);
    await set.acceptedCount(5);
    ids.push(...(await append(6, 10)));
    await set.acceptedCount(10);
    ids.push(...(await append(11, 15)));
    await set.acceptedCount(15);

    expect(set.accepted).toEqual(ids);
    expect(first.received).toEqual([ids.slice(0, 5), ids.slice(5, 10)]);
    // The batch the first replica took before dying is sent again, to the second: deduplicated.
    expect(second.received.flat()).toEqual(ids.slice(5));
    expect(await failovers()).toBe(1);
    expect(runner.health().details).toEqual({ url: urls[1], urls: 2 });
  }, 30_000);

  it('stays on the second backend once the first is back, and returns to the first only when the second fails', async () => {
    const set = new ReplicaSet();
    // The first is briefly unavailable (503, as a proxy says while it restarts), then fine.
    const { urls, runner, failovers } = await startSink(set, [(_batch, request) => (request === 1 ? 'unavailable' : 'store'), () => 'store']);
    const [first, second] = replicas as [Replica, Replica];
    const ids = await append(1, 3);
    await set.acceptedCount(3);
    ids.push(...(await append(4, 6)));
    await set.acceptedCount(6);
    expect(first.received).toEqual([ids.slice(0, 3)]);
    expect(second.received).toEqual([ids.slice(0, 3), ids.slice(3, 6)]);

    await second.stop();
    ids.push(...(await append(7, 9)));
    await set.acceptedCount(9);
    expect(set.accepted).toEqual(ids);
    expect(first.received).toEqual([ids.slice(0, 3), ids.slice(6, 9)]);
    expect(await failovers()).toBe(2);
    expect(runner.health().details).toEqual({ url: urls[0], urls: 2 });
  }, 30_000);

  it('a 400 from the first backend is about the data: no switch, the refused reading is dead-lettered', async () => {
    const set = new ReplicaSet();
    const { urls, metrics, runner, failovers } = await startSink(set, [(batch) => (batch.readings.some((r) => r.id === 'probe-1:3') ? 'refuse' : 'store'), () => 'store']);
    const [, second] = replicas as [Replica, Replica];
    const ids = await append(1, 5);
    await set.acceptedCount(4);

    expect(set.accepted).toEqual(ids.filter((id) => id !== 'probe-1:3'));
    expect(metrics.snapshot({}).deadLettered).toEqual({ 'backend:refused': 1 });
    expect(second.received).toEqual([]);
    expect(await failovers()).toBe(0);
    expect(runner.health().details).toEqual({ url: urls[0], urls: 2 });
  }, 30_000);
});
