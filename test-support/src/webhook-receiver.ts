import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  supplierId: string;
  webhookId: string;
  verified: boolean;
  error?: string;
  body: unknown;
  answered: number;
}

/**
 * A supplier's endpoint: a real HTTP server that verifies every request with the
 * standardwebhooks library and answers with the status `respond` chooses.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Webhook ids acknowledged with 2xx: a receiver processes each once. */
  readonly processed = new Map<string, number>();
  respond: (w: ReceivedWebhook, n: number) => number = () => 200;
  private server: Server | undefined;
  private waiters: { n: number; resolve: () => void }[] = [];

  constructor(private readonly secrets: Record<string, string>) {}

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const supplierId = (req.url ?? '/').slice(1);
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const w: ReceivedWebhook = { supplierId, webhookId: headers['webhook-id'] ?? '', verified: false, body: null, answered: 0 };
        try {
          w.body = new Webhook(this.secrets[supplierId] ?? 'whsec_AAAA').verify(raw, headers);
          w.verified = true;
        } catch (err) {
          w.error = (err as Error).message;
        }
        w.answered = w.verified ? this.respond(w, this.received.filter((r) => r.webhookId === w.webhookId).length) : 401;
        if (w.answered >= 200 && w.answered < 300) this.processed.set(w.webhookId, (this.processed.get(w.webhookId) ?? 0) + 1);
        this.received.push(w);
        res.writeHead(w.answered).end();
        this.waiters = this.waiters.filter((x) => {
          if (this.received.length >= x.n) {
            x.resolve();
            return false;
          }
          return true;
        });
      });
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `n` requests in total have been received. */
  async waitForCount(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.received.length >= n) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for webhook #${n} (got ${this.received.length})`)), timeoutMs);
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server = undefined;
  }
}
