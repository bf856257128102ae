import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTempDir, probeReading, type TempDir } from '@shelfwatch/test-support';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/http/gateway-metrics.js';
import { Outbox } from '../../../src/outbox/outbox.js';
import { BackendSink } from '../../../src/sinks/backend/backend-sink.js';
import { SinkRunner } from '../../../src/sinks/sink-runner.js';

let dir: TempDir;
let outbox: Outbox;
let silent: Server;

beforeEach(async () => {
  dir = await makeTempDir('backend-sink-stop');
  outbox = new Outbox({ path: `${dir.path}/o.db`, sinks: ['backend'], clock: { now: () => 0 } });
  await outbox.open();
  // A backend that takes the connection and the request, and never answers.
  silent = createServer(() => {});
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
}, 30_000);

afterEach(async () => {
  silent.closeAllConnections();
  silent.close();
  await outbox.close();
  await dir.remove();
}, 30_000);

describe('BackendSink', () => {
  it('stopping while the backend is silent ends the pending request at once, not at its timeout', async () => {
    const { port } = silent.address() as AddressInfo;
    const sink = new BackendSink({ url: `http://127.0.0.1:${port}`, token: 't', gatewayId: 'gw-1', logger: pino({ level: 'silent' }), requestTimeoutMs: 600_000 });
    sink.init();
    const runner = new SinkRunner({ sink, outbox, metrics: new GatewayMetrics(), logger: pino({ level: 'silent' }) });
    const arrived = once(silent, 'request') as Promise<[IncomingMessage]>;
    await outbox.append([[probeReading(1)]]);
    runner.start();
    const [request] = await arrived;
    expect(request.url).toBe('/api/v1/ingest');
    await runner.stop();
    // Nothing was acknowledged: the reading stays in the outbox for the next run.
    expect(outbox.pending('backend')).toBe(1);
  }, 20_000);
});
