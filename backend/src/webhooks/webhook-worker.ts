import { Webhook } from 'standardwebhooks';
import type { Logger } from 'pino';
import { fetch, type Agent } from 'undici';
import { systemClock, withDeadline, Worker, type Clock, type Timers } from '@shelfwatch/service-kit';
import type { DeliveryAttempt, OutboxMessage, Storage } from '../storage/ports.js';
import { GIVE_UP_AFTER_MS, retryDelayMs } from './backoff.js';
import type { DestinationPolicy } from './destination-policy.js';

/**
 * How long a claimed message is this replica's to send: three times an attempt's request
 * timeout (a page's attempts run at once), so only a replica that died lets another (or
 * itself, restarted) send it again, and then within the 30 s in which its stores are taken
 * over: a supplier's order is not held back for minutes by a crash. Sent again after a crash
 * it carries the same webhook-id, which the receiver deduplicates.
 */
const CLAIM_LEASE_MS = 30_000;

export interface SupplierEndpoints {
  [supplierId: string]: { webhookUrl: string; webhookSecret: string };
}

export interface WebhookWorkerContext {
  storage: Storage;
  suppliers: SupplierEndpoints;
  /** Schedules retries (injectable so tests drive a day of backoff instantly). */
  clock: Clock;
  timers: Timers;
  /** Real time for the webhook-timestamp header: receivers reject stale timestamps. */
  wallClock?: Clock;
  logger: Logger;
  random?: () => number;
  requestTimeoutMs?: number;
  /** Which addresses webhooks may be sent to (public ones, and the networks the config allows). */
  destinations: DestinationPolicy;
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

/**
 * Delivers the durable outbox of supplier webhooks per Standard Webhooks. A message keeps
 * its webhook-id across retries, so a receiver that got a delivery whose response was
 * lost deduplicates it. Every attempt is logged (the supplier's delivery log).
 */
export class WebhookWorker {
  private readonly worker: Worker;
  private readonly dispatcher: Agent;
  private attempts = 0;

  constructor(private readonly ctx: WebhookWorkerContext) {
    this.dispatcher = ctx.destinations.dispatcher();
    this.worker = new Worker({ name: 'webhook pass', logger: ctx.logger, timers: ctx.timers, pass: (signal) => this.pass(signal) });
  }

  start(): void {
    this.worker.start();
  }

  /** Aborts the deliveries in flight (they are retried after a restart: the outbox row stays pending). */
  async stop(): Promise<void> {
    await this.worker.stop();
    await this.dispatcher.close();
  }

  /** New outbox rows or a clock jump: run a pass now (coalesced with a running one). */
  kick(): void {
    this.worker.kick();
  }

  /** Runs every due message now (after the pass in flight); resolves with the number of attempts made. */
  async runDue(): Promise<number> {
    const before = this.attempts;
    await this.worker.runNow();
    return this.attempts - before;
  }

  /** Sends every due message; resolves with the delay until the next one is due (none: wait for a kick). */
  private async pass(signal: AbortSignal): Promise<number | undefined> {
    for (;;) {
      const due = await this.ctx.storage.outbox.claimDue(this.ctx.clock.now(), 20, CLAIM_LEASE_MS);
      if (due.length === 0 || signal.aborted) break;
      // One supplier's slow endpoint must not hold back another's: send a page concurrently.
      await Promise.all(due.map((m) => this.attempt(m, signal)));
      this.attempts += due.length;
    }
    const next = await this.ctx.storage.outbox.nextDueAt();
    return next === null ? undefined : Math.max(0, Math.min(next - this.ctx.clock.now(), 3_600_000));
  }

  private async attempt(m: OutboxMessage, stopping: AbortSignal): Promise<void> {
    const endpoint = this.ctx.suppliers[m.supplierId];
    const attemptNo = m.attempts + 1;
    let statusCode: number | null = null;
    let error: string | null = null;
    const url = endpoint?.webhookUrl ?? '';
    const literalRefusal = endpoint ? this.ctx.destinations.literalRefusal(new URL(endpoint.webhookUrl)) : null;
    if (!endpoint) {
      error = `no webhook endpoint configured for supplier '${m.supplierId}'`;
    } else if (literalRefusal) {
      error = `refused destination: ${new URL(endpoint.webhookUrl).hostname} is ${literalRefusal}`;
    } else {
      try {
        const sentAt = new Date((this.ctx.wallClock ?? systemClock).now());
        const signature = new Webhook(endpoint.webhookSecret).sign(m.id, sentAt, m.payload);
        const status = await withDeadline(
          async (deadline) => {
            const res = await fetch(endpoint.webhookUrl, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'webhook-id': m.id,
                'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
                'webhook-signature': signature,
              },
              body: m.payload,
              signal: deadline,
              // A redirect is a failed attempt: following it would send the signed body (and show
              // the answer in the supplier's delivery log) wherever the supplier points it.
              redirect: 'manual',
              dispatcher: this.dispatcher,
            });
            statusCode = res.status;
            await res.body?.cancel();
            return res.status;
          },
          { signal: stopping, timeoutMs: this.ctx.requestTimeoutMs ?? 10_000 },
        );
        if (status >= 300 && status < 400) error = `HTTP ${status}: redirects are not followed`;
        else if (status < 200 || status >= 300) error = `HTTP ${status}`;
      } catch (err) {
        error = describeFetchError(err);
      }
    }
    const now = this.ctx.clock.now();
    const delivered = error === null;
    const expired = now - m.createdAt >= GIVE_UP_AFTER_MS;
    const outcome: DeliveryAttempt['outcome'] = delivered ? 'delivered' : expired ? 'failed' : 'retry';
    const attempt: DeliveryAttempt = { messageId: m.id, supplierId: m.supplierId, storeId: m.storeId, attempt: attemptNo, at: now, url, statusCode, error, outcome };
    const nextAttemptAt = outcome === 'retry' ? now + retryDelayMs(attemptNo, this.ctx.random) : now;
    await this.ctx.storage.transaction((tx) => tx.outbox.recordAttempt(attempt, { status: outcome === 'retry' ? 'pending' : outcome, nextAttemptAt }));
    this.ctx.onAttempt?.(attempt);
    const log = { messageId: m.id, supplierId: m.supplierId, attempt: attemptNo, statusCode, error, outcome };
    if (outcome === 'failed') this.ctx.logger.error(log, 'webhook given up after retrying for a day');
    else if (outcome === 'retry') this.ctx.logger.warn(log, 'webhook delivery failed; will retry');
    else this.ctx.logger.info(log, 'webhook delivered');
  }
}

/** undici says "fetch failed"; the reason (a refused destination, ECONNREFUSED) is its cause. */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
