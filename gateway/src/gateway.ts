import { DEFAULT_MAX_AHEAD_MS, gatewayRestartReading } from '@shelfwatch/contracts';
import mqttPacket from 'mqtt-packet';
import pino, { type Logger } from 'pino';
import { systemClock, type Clock } from '@shelfwatch/service-kit';
import type { GatewayConfig } from './config.js';
import { AdminServer, type HealthReport } from './http/admin-server.js';
import { GatewayMetrics, type GatewayStats } from './http/gateway-metrics.js';
import { calibrates, listens, type Input, type InputContext } from './inputs/input.js';
import { INPUTS } from './inputs/registry.js';
import { CalibrationStore } from './inputs/serial/calibration-store.js';
import { AppendQueue } from './outbox/append-queue.js';
import { Outbox } from './outbox/outbox.js';
import { SINKS } from './sinks/registry.js';
import { SinkRunner } from './sinks/sink-runner.js';
import { GatewayStatsReporter } from './sinks/influx/stats-reporter.js';
import type { BackoffPolicy } from '@shelfwatch/service-kit';
import { loadStoreContext } from './store-context.js';

export const DEFAULT_MAX_PENDING = 1_000_000;
/** A device reading older than a day when it reaches the gateway has a broken clock or a broken buffer. */
export const DEFAULT_MAX_READING_AGE_MS = 24 * 3_600_000;

// mqtt-packet (aedes's packet writer) pre-builds 65,536 two-byte Buffers for packet ids on
// first use: about 6 MB of heap, to save one tiny allocation per PUBACK.
mqttPacket.writeToStream.cacheNumbers = false;

export interface GatewayOptions {
  logger?: Logger;
  clock?: Clock;
  /** Sink retry policy (tests shorten it). */
  sinkBackoff?: BackoffPolicy;
}

export interface Gateway {
  httpUrl: string;
  /** Actual port of the embedded broker (0 in external-broker mode or without plain MQTT). */
  mqttPort: number;
  /** Actual MQTT-over-TLS port of the embedded broker (0 without TLS). */
  mqttTlsPort: number;
  stats(): GatewayStats;
  health(): HealthReport;
  close(): Promise<void>;
}

/** Starts sinks first (so the outbox drains as soon as anything arrives), then inputs, then HTTP. */
export async function startGateway(config: GatewayConfig, opts: GatewayOptions = {}): Promise<Gateway> {
  const logger = opts.logger ?? pino({ name: 'gateway' });
  const clock = opts.clock ?? systemClock;
  const store = loadStoreContext(config);
  const metrics = new GatewayMetrics();
  const maxPending = config.outbox.maxPending ?? DEFAULT_MAX_PENDING;

  const sinks = Object.entries(SINKS).map(([name, create]) => ({ name, sink: create({ config, logger: logger.child({ sink: name }), metrics }) }));
  for (const { sink } of sinks) sink.init();
  const outbox = new Outbox({
    path: config.outbox.path,
    sinks: sinks.map((s) => s.name),
    clock,
    onFailure: (err) => logger.fatal({ err }, 'outbox writer failed: nothing can be stored; publishes are no longer acknowledged, serial/OPC UA readings are refused'),
  });
  await outbox.open();
  const queue = new AppendQueue({ outbox, maxPending });
  const eventTime = { maxAheadMs: config.eventTime?.maxAheadMs ?? DEFAULT_MAX_AHEAD_MS, maxAgeMs: config.eventTime?.maxAgeMs ?? DEFAULT_MAX_READING_AGE_MS };
  const context: InputContext = { store, outbox: queue, metrics, logger, clock, eventTime };
  const calibrations = new CalibrationStore(outbox.database);
  const inputs: Input[] = Object.entries(INPUTS).flatMap(([name, create]) => create({ config, context: { ...context, logger: logger.child({ input: name }) }, calibrations }) ?? []);
  for (const input of inputs) input.init();

  const runners: SinkRunner[] = [];
  let full = false;
  queue.on('appended', () => {
    for (const r of runners) r.wake();
  });
  const checkBound = () => {
    const nowFull = queue.isFull();
    if (nowFull !== full) {
      full = nowFull;
      if (full) logger.error({ stored: outbox.stored(), maxPending }, 'outbox full: MQTT publishes are no longer acknowledged, serial/OPC UA readings are refused (counted as outbox_full)');
      else logger.info({ stored: outbox.stored() }, 'outbox below its bound again');
    }
  };
  const boundTimer = setInterval(checkBound, 1_000);
  boundTimer.unref();

  const started: { stop(): Promise<void> }[] = [];
  const admin = new AdminServer({
    host: config.http.host ?? '127.0.0.1',
    port: config.http.port,
    tokens: [config.backend.token, ...(config.http.adminToken ? [config.http.adminToken] : [])],
    metrics,
    logger,
    health: () => health(),
    stats: () => stats(),
    beforeMetrics: () => refreshGauges(),
    calibration: () => inputs.find(calibrates),
  });

  const pendingBySink = () => Object.fromEntries(sinks.map(({ name }) => [name, outbox.pending(name)]));
  const stats = () => metrics.snapshot(pendingBySink());
  /** Seconds the oldest reading a sink has not acknowledged has waited (0 when caught up). */
  const oldestAgeS = (name: string, now: number) => {
    const oldest = outbox.oldestPendingAt(name);
    return oldest === null ? 0 : Math.max(0, (now - oldest) / 1000);
  };
  const refreshGauges = () => {
    const now = clock.now();
    for (const { name } of sinks) {
      metrics.outboxPending.set({ sink: name }, outbox.pending(name));
      metrics.outboxOldestAge.set({ sink: name }, oldestAgeS(name, now));
    }
  };
  const health = (): HealthReport => {
    const inputReports = Object.fromEntries(inputs.map((i) => [i.name, i.health()]));
    const sinkReports = Object.fromEntries(runners.map((r) => [r.name, r.health()]));
    const outboxFull = queue.isFull();
    const outboxError = outbox.error?.message ?? null;
    const ok = !outboxFull && outboxError === null && Object.values(inputReports).every((r) => r.ok);
    return { ok, inputs: inputReports, sinks: sinkReports, outbox: { stored: outbox.stored(), maxPending, full: outboxFull, error: outboxError, pending: pendingBySink() } };
  };

  const statsReporter = new GatewayStatsReporter({
    url: config.influx.url,
    ...(config.influx.database ? { database: config.influx.database } : {}),
    storeId: store.storeId,
    gatewayId: config.gatewayId,
    logger,
    snapshot: () => {
      const now = clock.now();
      return { stats: stats(), oldestAgeS: Object.fromEntries(sinks.map(({ name }) => [name, oldestAgeS(name, now)])) };
    },
  });

  try {
    // What the devices said since the newest reading stored before this start was not heard
    // live: stated first, in the devices' time, so the backend never reads the gap (and the
    // backlog's late arrival) as the devices' silence (backend/src/rules/README.md).
    const stoppedListening = outbox.newestDataTsBeforeOpen;
    if (stoppedListening !== null) {
      await outbox.append([[gatewayRestartReading({ storeId: store.storeId, gatewayId: config.gatewayId, ts: stoppedListening })]]);
      logger.info({ stoppedListening: new Date(stoppedListening).toISOString() }, 'restart stated to the sinks');
    }
    for (const { name, sink } of sinks) {
      await sink.start();
      started.push(sink);
      const runner = new SinkRunner({ sink, outbox, metrics, logger: logger.child({ sink: name }), backoff: opts.sinkBackoff });
      runner.start();
      runners.push(runner);
    }
    for (const input of inputs) {
      await input.start();
      started.push(input);
    }
    await admin.start();
    statsReporter.start();
  } catch (err) {
    await Promise.allSettled(started.reverse().map((s) => s.stop()));
    await Promise.allSettled(runners.map((r) => r.stop()));
    clearInterval(boundTimer);
    await outbox.close();
    throw err;
  }

  const ports = inputs.find(listens)?.listeningPorts() ?? { mqtt: 0, mqttTls: 0 };
  logger.info({ httpUrl: admin.url, mqttPort: ports.mqtt, mqttTlsPort: ports.mqttTls, pending: pendingBySink() }, 'gateway started');
  let closing: Promise<void> | undefined;
  return {
    httpUrl: admin.url,
    mqttPort: ports.mqtt,
    mqttTlsPort: ports.mqttTls,
    stats,
    health,
    close() {
      closing ??= (async () => {
        clearInterval(boundTimer);
        await statsReporter.stop();
        await admin.stop();
        for (const input of inputs) await input.stop().catch((err: unknown) => logger.warn({ err, input: input.name }, 'input stop failed'));
        queue.close();
        await Promise.all(runners.map((r) => r.stop()));
        for (const { sink } of sinks) await sink.stop();
        await outbox.close();
        logger.info('gateway stopped');
      })();
      return closing;
    },
  };
}
