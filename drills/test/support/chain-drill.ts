import { afterAll, beforeAll, expect } from 'vitest';
import { makeTempDir, startPostgres, waitUntil, WebhookReceiver, type PostgresHandle, type TempDir } from '@shelfwatch/test-support';
import { BACKEND_TOKENS, SUPPLIER_SECRET } from './backend-process.js';
import { readChainRecord, repeated, taskKeys, type ChainRecord } from './chain-reconcile.js';
import { ReplicaSet } from './chain-replicas.js';
import { CHAIN_SUPPLIER, expectedTasks, planStores, READINGS_PER_STORE_MINUTE, type StorePlan } from './chain-stores.js';
import { FeedFollower } from './feed-follower.js';
import { gatewayToken, StoreFleet } from './store-fleet.js';

export interface ChainDrillOptions {
  replicas: number;
  stores: number;
  /** Seed of the stores' plans. */
  seed: number;
}

/** A whole minute two hours ago: recent event time for minute 0 (ingest refuses readings over 47 h old). */
const recentT0 = () => Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000;

/**
 * A chain on this machine for the drills: a private PostgreSQL, `replicas` backend processes on
 * it, `stores` stores' gateways (in-process outboxes and backend sinks listing every replica),
 * the supplier's webhook receiver and a staff feed client following the replicas. After the
 * fault, `settle()` waits until everything sent has arrived and `reconcile()` compares.
 */
export class ChainDrill {
  pg!: PostgresHandle;
  databaseUrl = '';
  replicas!: ReplicaSet;
  fleet!: StoreFleet;
  feed!: FeedFollower;
  readonly receiver = new WebhookReceiver({ [CHAIN_SUPPLIER]: SUPPLIER_SECRET });
  readonly plans: StorePlan[];
  private dir: TempDir | undefined;

  constructor(readonly options: ChainDrillOptions) {
    this.plans = planStores(options.stores, options.seed);
  }

  async start(): Promise<void> {
    [this.pg, this.dir] = await Promise.all([startPostgres(), makeTempDir('chain-drill')]);
    this.databaseUrl = await this.pg.createDatabase();
    const webhookUrl = await this.receiver.start();
    const tokens = new Map(this.plans.map((p) => [p.storeId, gatewayToken()]));
    this.replicas = await ReplicaSet.prepare({ count: this.options.replicas, dir: this.dir.path, databaseUrl: this.databaseUrl, plans: this.plans, gatewayTokens: tokens, webhookUrl });
    await this.replicas.startAll();
    this.fleet = await StoreFleet.open({ plans: this.plans, dir: this.dir.path, backendUrls: this.replicas.urls, t0: recentT0() }, tokens);
    this.feed = new FeedFollower(this.replicas.urls, BACKEND_TOKENS.staff);
    this.feed.start();
  }

  /** Waits until the gateways' outboxes are empty, each store's supplier request was taken by the receiver, and the feed has every stored event. */
  async settle(): Promise<ChainRecord> {
    await this.fleet.drained();
    const requests = this.plans.length;
    await waitUntil(() => this.receiver.processed.size >= requests, { timeoutMs: 60_000, intervalMs: 100, what: `${requests} supplier webhooks (got ${this.receiver.processed.size})` });
    let record = await readChainRecord(this.databaseUrl);
    await waitUntil(
      async () => {
        record = await readChainRecord(this.databaseUrl);
        return this.feed.lastSeq >= (record.eventSeqs.at(-1) ?? 0) && record.webhooks.every((w) => w.status !== 'pending');
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the feed client to reach the last stored event and every webhook to be settled' },
    );
    return record;
  }

  /** The drill's findings, each empty or equal when nothing was lost or duplicated. */
  reconcile(record: ChainRecord) {
    const sent = this.fleet.sentIds();
    const stored = new Set(record.readingIds);
    const sentSet = new Set(sent);
    const feedSeqs = [...new Set(this.feed.events.map((e) => e.seq))].sort((a, b) => a - b);
    return {
      readings: { sent: sent.length, sentTwice: repeated(sent).length, stored: record.readingIds.length, lost: sent.filter((id) => !stored.has(id)), unknown: record.readingIds.filter((id) => !sentSet.has(id)) },
      tasks: { stored: taskKeys(record.tasks), expected: taskKeys(this.plans.flatMap(expectedTasks)) },
      feed: { repeated: repeated(this.feed.events.map((e) => e.seq)), missing: record.eventSeqs.filter((s) => !feedSeqs.includes(s)), unknown: feedSeqs.filter((s) => !record.eventSeqs.includes(s)) },
      webhooks: {
        perStore: record.webhooks.map((w) => w.storeId),
        /** Each webhook must be recorded delivered exactly once... */
        notDeliveredOnce: record.webhooks.filter((w) => w.status !== 'delivered' || w.delivered !== 1).map((w) => `${w.id} ${w.status} ×${w.delivered}`),
        /** ...and acknowledged by the supplier under its webhook-id (a delivery cut by a fault before it was recorded is sent again under the same id, which the receiver deduplicates). */
        notReceived: record.webhooks.filter((w) => !this.receiver.processed.has(w.id)).map((w) => w.id),
        receivedUnknown: [...this.receiver.processed.keys()].filter((id) => !record.webhooks.some((w) => w.id === id)),
        unverified: this.receiver.received.filter((w) => !w.verified).length,
      },
      deadLettered: this.fleet.deadLettered(),
    };
  }

  /** Asserts the reconciliation after `minutes` minutes of every store were reported: nothing lost, nothing twice. */
  expectReconciled(record: ChainRecord, minutes: number): void {
    const found = this.reconcile(record);
    const sent = this.plans.length * minutes * READINGS_PER_STORE_MINUTE;
    expect(found.readings).toEqual({ sent, sentTwice: 0, stored: sent, lost: [], unknown: [] });
    expect(found.deadLettered).toBe(0);
    expect(found.tasks.stored).toEqual(found.tasks.expected);
    expect(found.feed).toEqual({ repeated: [], missing: [], unknown: [] });
    expect(found.webhooks).toEqual({ perStore: this.plans.map((p) => p.storeId), notDeliveredOnce: [], notReceived: [], receivedUnknown: [], unverified: 0 });
  }

  async stop(): Promise<void> {
    const steps = [() => this.feed?.close(), () => this.fleet?.close(), () => this.replicas?.stop(), () => this.receiver.stop(), () => this.pg?.stop(), () => this.dir?.remove()];
    for (const step of steps) await Promise.resolve(step()).catch(() => undefined);
  }
}

/** A chain started for the tests of the calling describe block, stopped after them. */
export function runningChainDrill(options: ChainDrillOptions): ChainDrill {
  const chain = new ChainDrill(options);
  beforeAll(() => chain.start());
  afterAll(() => chain.stop());
  return chain;
}
