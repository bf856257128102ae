import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per backend instance, so two backends in one process (tests) never share counters. */
export class BackendMetrics {
  readonly registry = new Registry();
  readonly readings = new Counter({
    name: 'shelfwatch_backend_readings_total',
    help: 'Readings received on ingest by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly taskEvents = new Counter({
    name: 'shelfwatch_backend_task_events_total',
    help: 'Task lifecycle events committed',
    labelNames: ['type', 'kind'] as const,
    registers: [this.registry],
  });
  readonly webhookAttempts = new Counter({
    name: 'shelfwatch_backend_webhook_attempts_total',
    help: 'Supplier webhook delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly sseClients = new Gauge({ name: 'shelfwatch_backend_sse_clients', help: 'Open alert-feed connections', registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'shelfwatch_backend_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly influxPoints = new Counter({
    name: 'shelfwatch_backend_influx_points_total',
    help: 'Points written to InfluxDB by measurement',
    labelNames: ['measurement'] as const,
    registers: [this.registry],
  });

  readonly storesHere = new Gauge({ name: 'shelfwatch_backend_stores_run_here', help: 'Stores whose rules run on this replica', registers: [this.registry] });
  readonly storesTaken = new Counter({
    name: 'shelfwatch_backend_stores_taken_total',
    help: 'Stores this replica started running (at start, by rebalancing, or taken over from a replica that stopped)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'shelfwatch_backend_' });
  }
}
