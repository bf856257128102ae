import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createServer, type Server } from 'node:http';
import { DEFAULT_MAX_AHEAD_MS, StoreLayout, TaskKind, type EventTimeBound } from '@shelfwatch/contracts';
import { pino, type Logger } from 'pino';
import { Listeners, loadConfig, systemClock, systemTimers, Worker, type Clock, type Timers } from '@shelfwatch/service-kit';
import { storageLocation, type BackendConfig } from './config.js';
import type { AppContext } from './context.js';
import { EngineHost } from './engine/engine-host.js';
import { EventTail } from './feed/event-tail.js';
import { FeedBus } from './feed/feed-bus.js';
import { TokenIndex } from './http/auth.js';
import { buildApp, type BuildAppOptions } from './http/build-app.js';
import { InfluxExporter } from './influx/influx-exporter.js';
import { IngestService } from './ingest/ingest-service.js';
import { BackendMetrics } from './metrics.js';
import { StoreLeases } from './replicas/store-leases.js';
import { reportRouters } from './reports/mount-reports.js';
import { createRuleEngine as rulesCreateRuleEngine, defaultLimits } from './rules/index.js';
import type { ColdChainLimits, CreateRuleEngine } from './rules/types.js';
import { openStorage } from './storage/open-storage.js';
import type { Storage } from './storage/ports.js';
import { DEFAULT_ESCALATION_MIN } from './tasks/task-state.js';
import { TaskService, type TaskCommit } from './tasks/task-service.js';
import { DestinationPolicy } from './webhooks/destination-policy.js';
import { WebhookWorker } from './webhooks/webhook-worker.js';

export interface StartBackendOptions extends BuildAppOptions {
  logger?: Logger;
  /** Wall clock for scheduling (webhook retries, event-time extrapolation, ticks). */
  clock?: Clock;
  /** Timers matching `clock` (a ManualClock is both). */
  timers?: Timers;
  /** The rules; defaults to the rules package's createRuleEngine. */
  createRuleEngine?: CreateRuleEngine;
  limits?: Record<'chilled' | 'frozen', ColdChainLimits>;
  /** Storage adapter; defaults to the configured one (SQLite at config.dbPath, or PostgreSQL). */
  storage?: Storage;
  /** How often stores advance with no reading (default 5 s). */
  tickMs?: number;
  heartbeatMs?: number;
  /** Jitter source for webhook retries. */
  random?: () => number;
}

export interface BackendStats {
  stores: number;
  lastSeq: number;
  openTasks: number;
  outbox: { pending: number; delivered: number; failed: number };
  readings: { accepted: number; duplicates: number; rejected: number };
  ruleErrors: number;
  sseClients: number;
  replayedAtStart: number;
}

export interface Backend {
  url: string;
  close(): Promise<void>;
  stats(): Promise<BackendStats>;
  /** Runs every due webhook attempt now (tests drive retries with a ManualClock and this). */
  deliverWebhooks(): Promise<number>;
  /** Advances every store with no reading now (what the tick timer does). */
  tick(): Promise<void>;
  context: AppContext;
}

/** How old a reading may arrive: a gateway backlog of most of two days, inside the 48 h of remembered ids. */
export const DEFAULT_MAX_READING_AGE_MS = 47 * 3_600_000;

export function eventTimeBound(config: BackendConfig): EventTimeBound {
  return { maxAheadMs: config.eventTime?.maxAheadMs ?? DEFAULT_MAX_AHEAD_MS, maxAgeMs: config.eventTime?.maxAgeMs ?? DEFAULT_MAX_READING_AGE_MS };
}

export async function startBackend(config: BackendConfig, opts: StartBackendOptions = {}): Promise<Backend> {
  const logger = opts.logger ?? pino({ name: 'shelfwatch-backend' });
  const clock = opts.clock ?? systemClock;
  const timers = opts.timers ?? systemTimers;
  const rules = { create: opts.createRuleEngine ?? rulesCreateRuleEngine };
  // An injected engine brings its own assumptions; the real rules come with their defaults.
  const baseLimits = opts.limits ?? defaultLimits;
  const limits = {
    chilled: { ...baseLimits.chilled, ...config.limits?.chilled },
    frozen: { ...baseLimits.frozen, ...config.limits?.frozen },
  };
  const layouts = config.layoutFiles.map((file) => loadConfig({ name: 'store layout', schema: StoreLayout }, file));
  if (config.demo) logger.warn('DEMO MODE: published demo tokens and webhook secrets are accepted; never run a store like this');

  const storage = opts.storage ?? (await openStorage(storageLocation(config), logger));
  const metrics = new BackendMetrics();
  const bus = new FeedBus(logger);
  const committed = new Listeners<TaskCommit>(logger, 'task commit');
  // A database several replicas share: the feed follows the event log, where every replica's commits meet.
  const tail = storage.listen ? new EventTail(storage, bus) : undefined;
  // Short backoffs: after the database comes back, the feed and the inbox resume within seconds.
  const soon = { initialMs: 250, maxMs: 5_000 };
  const tailer = tail ? new Worker({ name: 'event tail', logger, timers, intervalMs: 1000, backoff: soon, pass: () => tail.pass() }) : undefined;
  if (tailer) committed.subscribe(() => tailer.kick());
  else committed.subscribe((c) => bus.publish(c.events));
  committed.subscribe((c) => {
    for (const e of c.events) metrics.taskEvents.inc({ type: e.type, kind: e.task.kind });
  });
  let webhooks: WebhookWorker | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const escalationMin = { ...DEFAULT_ESCALATION_MIN };
  for (const kind of TaskKind.options) {
    const v = config.escalation?.[kind];
    if (v !== undefined) escalationMin[kind] = v;
  }

  try {
    await storage.transaction(async (tx) => {
      for (const layout of layouts) {
        if (await tx.catalog.seedLayout(layout)) logger.info({ storeId: layout.store.id }, 'store seeded from layout file');
      }
    });
    const engines = new EngineHost({ storage, createRuleEngine: rules.create, limits, clock, logger });
    const tasks = new TaskService({ storage, committed, clock, escalationMin, logger });
    const worker = new WebhookWorker({
      storage,
      suppliers: config.suppliers,
      clock,
      timers,
      logger: logger.child({ component: 'webhooks' }),
      ...(opts.random ? { random: opts.random } : {}),
      destinations: new DestinationPolicy(config.webhooks.allowPrivateNetworks),
      onAttempt: (a) => metrics.webhookAttempts.inc({ outcome: a.outcome }),
    });
    webhooks = worker;
    committed.subscribe((c) => {
      if (c.webhooksQueued) worker.kick();
    });
    let exporter: InfluxExporter | undefined;
    if (config.influx) {
      exporter = new InfluxExporter({
        storage,
        url: config.influx.url,
        ...(config.influx.database ? { database: config.influx.database } : {}),
        logger: logger.child({ component: 'influx' }),
        timers: systemTimers,
        onWritten: (measurement, n) => metrics.influxPoints.inc({ measurement }, n),
      });
      const exp = exporter;
      committed.subscribe((c) => {
        if (c.events.length > 0) exp.kick();
      });
    }
    const eventTime = eventTimeBound(config);
    let replayed = 0;
    const replica = { id: config.replica?.id ?? `${hostname()}-${process.pid}`, url: config.replica?.url ?? '' };
    const leases = new StoreLeases({
      storage,
      replica,
      leaseMs: config.replica?.leaseMs ?? 15_000,
      logger,
      gained: async (storeId) => {
        await tasks.exclusive(async () => {
          replayed += await engines.rebuild(storeId);
        });
        // What waits in the inbox for the store goes to its rules before any reading after it.
        ingest.markWaiting([storeId]);
        drainer.kick();
        metrics.storesTaken.inc();
        metrics.storesHere.set(engines.storeIds().length);
      },
      lost: async (storeId) => {
        await tasks.exclusive(async () => engines.release(storeId));
        metrics.storesHere.set(engines.storeIds().length);
      },
    });
    const ingest = new IngestService({
      leases,
      engines,
      tasks,
      logger: logger.child({ component: 'ingest' }),
      replayMs: (config.replayHours ?? 26) * 3_600_000,
      // Longer than the replay window, and than the event-time window readings are accepted
      // in: ingest refuses anything older, so every accepted reading is deduplicated.
      idRetentionMs: Math.max(48 * 3_600_000, ((config.replayHours ?? 26) + 1) * 3_600_000, eventTime.maxAheadMs + eventTime.maxAgeMs),
      onLate: (n) => metrics.readings.inc({ result: 'late' }, n),
      onMinute: async (storeId, minuteMs) => {
        const engine = engines.engine(storeId);
        if (exporter && engine) {
          const kpis = engine.kpis(minuteMs);
          exporter.addKpis(kpis, await storage.tasks.openCounts(storeId));
        }
      },
    });
    const drainer = new Worker({ name: 'inbox', logger, timers, backoff: soon, pass: async () => ((await ingest.drainWaiting()) ? 0 : undefined) });
    const keeper = new Worker({
      name: 'store leases',
      logger,
      timers,
      intervalMs: leases.roundMs,
      // Back soon after the database returns: leases left unrenewed expire and the stores move.
      backoff: { initialMs: 500, maxMs: leases.roundMs },
      pass: async () => {
        await engines.refreshStores();
        await leases.keep();
        if (ingest.markWaiting(await storage.inbox.waiting())) drainer.kick();
      },
    });

    const ctx: AppContext = {
      config,
      logger,
      clock,
      storage,
      engines,
      tasks,
      ingest,
      bus,
      webhooks: worker,
      metrics,
      tokens: new TokenIndex(config.tokens),
      eventTime,
      heartbeatMs: opts.heartbeatMs ?? 15_000,
      // Between units of work: a batch never sees a store's engine half rebuilt.
      layoutChanged: async (storeId) => {
        if (engines.engine(storeId)) {
          await tasks.exclusive(() => engines.rebuild(storeId));
        } else {
          // A store this replica does not run (yet): a new one is claimed by the next round, run now.
          await engines.refreshStores();
          await keeper.runNow();
        }
      },
      startedAt: clock.now(),
      replica,
    };
    // Before the server listens: an event committed once it does is published to the live feed.
    if (tail) {
      await tail.start();
      unlisten = await storage.listen?.((channel, storeId) => {
        if (channel === 'events') tailer?.kick();
        else if (channel === 'inbox' && ingest.markWaiting([storeId])) drainer.kick();
        else if (channel === 'layout' && engines.engine(storeId)) void ctx.layoutChanged(storeId).catch((err: unknown) => logger.error({ err, storeId }, 'rebuilding after a layout change failed'));
      });
      // An open task from any replica may be due to escalate here, where its store's rules run.
      bus.subscribe((e) => tasks.noteOpen(e.task));
      tailer?.start();
    }
    const extraRouters = (c: AppContext) => [...reportRouters(c, { limits }), ...(opts.extraRouters?.(c) ?? [])];
    const webDir = opts.webDir ?? config.webDir;
    const app = buildApp(ctx, { extraRouters, ...(webDir ? { webDir } : {}) });
    const server: Server = createServer(app);
    // Longer than the usual client/proxy idle timeouts, so a client never reuses a socket we are closing.
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;

    replica.url ||= host === '0.0.0.0' || host === '[::]' ? `http://${hostname()}:${address.port}` : url;
    // The first round before the backend says it is ready: the stores it gets are rebuilt by replay.
    const replayStarted = Date.now();
    keeper.start(leases.roundMs);
    await keeper.runNow();
    logger.info({ replica: replica.id, stores: engines.storeIds().length, replayed, ms: Date.now() - replayStarted }, 'rule state rebuilt from stored readings');
    drainer.start();
    worker.start();
    exporter?.start();
    const tickAll = async () => {
      for (const storeId of engines.storeIds()) {
        try {
          await ingest.tickStore(storeId);
        } catch (err) {
          logger.error({ err, storeId }, 'tick failed');
        }
      }
    };
    const tickMs = opts.tickMs ?? 5000;
    const ticker = new Worker({ name: 'tick', logger, timers, intervalMs: tickMs, pass: tickAll });
    ticker.start(tickMs);
    let closed = false;
    logger.info({ url, stores: engines.storeIds() }, 'backend listening');

    return {
      url,
      context: ctx,
      deliverWebhooks: () => worker.runDue(),
      tick: tickAll,
      stats: async () => {
        return {
          stores: engines.storeIds().length,
          lastSeq: await storage.tasks.lastSeq(),
          openTasks: await storage.tasks.countActive(),
          outbox: await storage.outbox.counts(),
          readings: { ...ingest.totals },
          ruleErrors: ingest.ruleErrors,
          sseClients: bus.size(),
          replayedAtStart: replayed,
        };
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await ticker.stop();
        await keeper.stop();
        // Given back, not left to expire: the other replicas take the stores over at their next round.
        await leases.releaseAll().catch((err: unknown) => logger.warn({ err }, 'store leases not given back; they expire'));
        await unlisten?.();
        await tailer?.stop();
        await drainer.stop();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        // SSE streams never end by themselves.
        server.closeAllConnections();
        await serverClosed;
        await worker.stop();
        await exporter?.stop();
        await storage.close();
        logger.info('backend closed');
      },
    };
  } catch (err) {
    await webhooks?.stop();
    await unlisten?.();
    await storage.close();
    throw err;
  }
}
