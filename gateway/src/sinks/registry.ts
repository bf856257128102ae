import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics } from '../http/gateway-metrics.js';
import { BackendSink } from './backend/backend-sink.js';
import { InfluxSink } from './influx/influx-sink.js';
import type { Sink } from './sink.js';

/** One line per sink; the names are the outbox cursor names, so never rename one. */
export const SINKS: Record<string, (args: { config: GatewayConfig; logger: Logger; metrics: GatewayMetrics }) => Sink> = {
  influx: ({ config, logger, metrics }) => new InfluxSink({ url: config.influx.url, database: config.influx.database, logger, onDropped: (n, reason) => metrics.rejected('influx', reason, n) }),
  backend: ({ config, logger, metrics }) => new BackendSink({ urls: config.backend.urls, token: config.backend.token, gatewayId: config.gatewayId, logger, onFailover: () => metrics.backendFailover() }),
};
