import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reading } from '@shelfwatch/contracts';
import { shuffleDelayMs } from '../../eval/src/delivery-plans.js';

/**
 * The store's backhaul, between the gateway's backend sink and the backend, as a relay the
 * run controls: it passes ingest batches through and records every reading the backend
 * accepted, in arrival order (what a replay later sends again). A cut either refuses
 * everything (the gateway's outbox holds it and catches up in order afterwards) or stands in
 * for a store-and-forward path that accepts readings but delivers them out of order, each up
 * to most of a window late.
 */
export interface BackhaulRelay {
  url: string;
  /** Readings the backend accepted through the relay, in the order it received them. */
  received(): Reading[];
  cut(delivery: 'backlog' | 'shuffled', windowMs: number): void;
  /** Delivers what a shuffled cut still holds, then passes batches through again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Held {
  reading: Reading;
  arrives: number;
}

/** Fixed: a scenario's shuffled delivery is the same every run. */
const SEED = 1;

export async function startBackhaulRelay(options: { backendUrl: string; log?: (text: string) => void }): Promise<BackhaulRelay> {
  const target = new URL('api/v1/ingest', options.backendUrl.endsWith('/') ? options.backendUrl : `${options.backendUrl}/`).href;
  const received: Reading[] = [];
  let mode: { kind: 'pass' } | { kind: 'backlog' } | { kind: 'shuffled'; windowMs: number } = { kind: 'pass' };
  let held: Held[] = [];
  let streamTs = -Infinity;
  let authorization = '';
  // One delivery at a time, in order: what the relay sends on must reach the backend in the order it decided.
  let queue: Promise<unknown> = Promise.resolve();
  const forward = (readings: Reading[], gatewayId: string): Promise<{ status: number; body: string }> => {
    const next = queue.then(async () => {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ gatewayId, readings }),
      });
      const body = await res.text();
      if (res.ok) received.push(...readings);
      else options.log?.(`relay: backend answered ${res.status}: ${body.slice(0, 200)}`);
      return { status: res.status, body };
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const release = (gatewayId: string, all: boolean) => {
    const due = all ? held : held.filter((h) => h.arrives <= streamTs);
    held = all ? [] : held.filter((h) => h.arrives > streamTs);
    // Stable: a device's held readings were given non-decreasing arrival times, so they stay in order.
    const ordered = due.sort((a, b) => a.arrives - b.arrives).map((h) => h.reading);
    for (let i = 0; i < ordered.length; i += 500) void forward(ordered.slice(i, i + 500), gatewayId);
  };
  let lastGatewayId = 'gateway';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || !req.url?.endsWith('/api/v1/ingest')) {
          res.writeHead(404).end();
          return;
        }
        authorization = String(req.headers.authorization ?? '');
        const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { gatewayId: string; readings: Reading[] };
        lastGatewayId = batch.gatewayId;
        switch (mode.kind) {
          case 'backlog':
            res.writeHead(503, { 'content-type': 'text/plain' }).end('backhaul down');
            return;
          case 'shuffled': {
            for (const r of batch.readings) {
              streamTs = Math.max(streamTs, r.ts);
              // Never before a reading of the same device that is still held: one device's stream stays in order.
              const after = held.reduce((t, h) => (h.reading.deviceId === r.deviceId ? Math.max(t, h.arrives) : t), -Infinity);
              held.push({ reading: r, arrives: Math.max(after, r.ts + shuffleDelayMs(r, mode.windowMs, SEED)) });
            }
            release(batch.gatewayId, false);
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: batch.readings.length, duplicates: 0 }));
            return;
          }
          case 'pass': {
            const answer = await forward(batch.readings, batch.gatewayId);
            res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
            return;
          }
        }
      })().catch((err: unknown) => {
        options.log?.(`relay: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end((err as Error).message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    cut(delivery, windowMs) {
      mode = delivery === 'backlog' ? { kind: 'backlog' } : { kind: 'shuffled', windowMs };
    },
    async restore() {
      release(lastGatewayId, true);
      mode = { kind: 'pass' };
      await queue;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
