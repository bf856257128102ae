import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Reading } from '@shelfwatch/contracts';
import { BackendSink, GatewayMetrics, Outbox, SinkRunner } from '@shelfwatch/gateway';
import { systemClock, type BackoffPolicy } from '@shelfwatch/service-kit';
import { waitUntil } from '@shelfwatch/test-support';
import pino, { type Logger } from 'pino';
import { storeMinute, type StorePlan } from './chain-stores.js';

/**
 * Many stores' gateways in this process: per store the gateway's own durable outbox (SQLite,
 * its writer thread), sink runner and backend sink with every backend replica's URL, i.e. the
 * whole path a reading takes from a gateway's outbox to the backend, with its retries,
 * failover and exactly-once bookkeeping. Only the device inputs are left out: readings are
 * appended to the outbox as an input would. Twenty gateway processes (each with its broker,
 * admin server and InfluxDB sink) would not fit beside the replicas on two cores, and none of
 * those parts is on the path under test.
 */

export interface FleetStore {
  plan: StorePlan;
  /** The store gateway's bearer token for the backend (the backend's config allows it this store only). */
  token: string;
  gatewayId: string;
  outbox: Outbox;
  runner: SinkRunner;
  metrics: GatewayMetrics;
  /** Ids of the readings appended to its outbox, in order. */
  sent: string[];
  /** Switches of its backend sink to the next replica's URL. */
  failovers: number;
}

export interface StoreFleetOptions {
  plans: readonly StorePlan[];
  /** Per-store folders (outboxes) go here. */
  dir: string;
  /** Every backend replica, in the order each gateway tries them. */
  backendUrls: readonly string[];
  /** Event time of minute 0 (recent: the backend refuses readings older than 47 h). */
  t0: number;
  /** Retry backoff of the sinks (default: short, so a recovered backend is found within a second). */
  backoff?: BackoffPolicy;
  logger?: Logger;
}

/** A gateway's device token: 192 random bits, as a deployment would issue. */
export function gatewayToken(): string {
  return `gw-${randomBytes(24).toString('hex')}`;
}

export class StoreFleet {
  private constructor(
    readonly stores: readonly FleetStore[],
    private readonly t0: number,
  ) {}

  /** Opens every store's outbox and starts its sink runner; `tokens` gives each store's token. */
  static async open(options: StoreFleetOptions, tokens: ReadonlyMap<string, string>): Promise<StoreFleet> {
    const logger = options.logger ?? pino({ level: 'error' });
    const stores: FleetStore[] = [];
    const fleet = new StoreFleet(stores, options.t0);
    try {
      for (const plan of options.plans) {
        const dir = path.join(options.dir, plan.storeId);
        await mkdir(dir, { recursive: true });
        const token = tokens.get(plan.storeId);
        if (token === undefined) throw new Error(`no gateway token for ${plan.storeId}`);
        const gatewayId = `gw-${plan.storeId}`;
        const metrics = new GatewayMetrics();
        const log = logger.child({ store: plan.storeId });
        const store = { plan, token, gatewayId, metrics, sent: [] as string[], failovers: 0 };
        const sink = new BackendSink({ urls: options.backendUrls, token, gatewayId, logger: log, onFailover: () => store.failovers++ });
        sink.init();
        const outbox = new Outbox({ path: path.join(dir, 'outbox.sqlite'), sinks: [sink.name], clock: systemClock });
        await outbox.open();
        const runner = new SinkRunner({ sink, outbox, metrics, logger: log, backoff: options.backoff ?? { initialMs: 100, maxMs: 1_000 } });
        stores.push(Object.assign(store, { outbox, runner }));
        runner.start();
      }
      return fleet;
    } catch (err) {
      await fleet.close();
      throw err;
    }
  }

  /** Each store's devices report minutes `from`..`to`: appended (durably) to its outbox, as its inputs would. */
  async report(from: number, to: number): Promise<void> {
    await Promise.all(
      this.stores.map(async (store) => {
        const readings: Reading[] = [];
        for (let m = from; m <= to; m++) readings.push(...storeMinute(store.plan, this.t0, m));
        await store.outbox.append([readings]);
        store.sent.push(...readings.map((r) => r.id));
        store.runner.wake();
      }),
    );
  }

  /** Readings appended and not yet acknowledged by a backend, over all stores. */
  pending(): number {
    return this.stores.reduce((n, s) => n + s.outbox.pending('backend'), 0);
  }

  sentIds(): string[] {
    return this.stores.flatMap((s) => s.sent);
  }

  /** Stores whose sink's last write failed (the backend did not take it). */
  failing(): number {
    return this.stores.filter((s) => s.runner.health().consecutiveFailures > 0).length;
  }

  /** Switches to another backend URL, over all stores. */
  failovers(): number {
    return this.stores.reduce((n, s) => n + s.failovers, 0);
  }

  /** Readings dead-lettered by the sinks (refused for good), over all stores: a drill expects none. */
  deadLettered(): number {
    return this.stores.reduce((n, s) => n + Object.values(s.metrics.snapshot({}).deadLettered).reduce((a, b) => a + b, 0), 0);
  }

  /** Resolves once every store's outbox has been acknowledged by a backend up to what was appended. */
  async drained(timeoutMs = 90_000): Promise<void> {
    await waitUntil(() => this.pending() === 0, { timeoutMs, intervalMs: 100, what: `every store's outbox to drain to the backend (${this.pending()} pending)` });
  }

  async close(): Promise<void> {
    await Promise.all(this.stores.map((s) => s.runner.stop()));
    await Promise.all(this.stores.map((s) => s.outbox.close()));
  }
}
