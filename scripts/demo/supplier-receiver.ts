import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReplenishmentRequested } from '@shelfwatch/contracts';
import { Webhook } from 'standardwebhooks';

/**
 * A demo supplier's order desk: receives ShelfWatch's replenishment webhooks, verifies
 * them exactly as a real supplier would (Standard Webhooks signature, per-supplier
 * secret), counts each webhook-id once, and hands accepted orders to `onOrder` so the
 * demo can confirm the delivery back to the backend.
 */
export interface SupplierReceiverOptions {
  /** supplierId → webhook secret ("whsec_..."). */
  secrets: Record<string, string>;
  /** An accepted order and its event time (the webhook payload's timestamp: when the rules decided). */
  onOrder?: (order: ReplenishmentRequested['data'], atMs: number) => void;
}

export interface SupplierReceiver {
  /** Base URL; each supplier's endpoint is `${url}/<supplierId>`. */
  url: string;
  delivered(): number;
  rejected(): number;
  close(): Promise<void>;
}

export async function startSupplierReceiver(options: SupplierReceiverOptions): Promise<SupplierReceiver> {
  const hooks = new Map(Object.entries(options.secrets).map(([id, secret]) => [id, new Webhook(secret)]));
  const seen = new Set<string>();
  let rejected = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const supplierId = (req.url ?? '').replace(/^\//, '');
      const hook = hooks.get(supplierId);
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        if (req.method !== 'POST' || !hook) throw new Error('unknown endpoint');
        const payload = hook.verify(body, req.headers as Record<string, string>);
        const event = ReplenishmentRequested.parse(payload);
        const id = String(req.headers['webhook-id']);
        if (!seen.has(id)) {
          seen.add(id);
          options.onOrder?.(event.data, Date.parse(event.timestamp));
        }
        res.writeHead(204).end();
      } catch (err) {
        rejected++;
        res.writeHead(400, { 'content-type': 'text/plain' }).end((err as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    delivered: () => seen.size,
    rejected: () => rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
