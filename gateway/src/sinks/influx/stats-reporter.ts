import { INFLUX_DATABASE, influxEndpoint, MEASUREMENTS } from '@shelfwatch/contracts';
import { Worker } from '@shelfwatch/service-kit';
import { FieldType, InfluxDB, type IPoint } from 'influx';
import type { Logger } from 'pino';
import { DEAD_LETTER_REASONS, type GatewayStats } from '../../http/gateway-metrics.js';

export interface StatsReporterOptions {
  url: string;
  database?: string;
  storeId: string;
  gatewayId: string;
  intervalMs?: number;
  logger: Logger;
  snapshot: () => { stats: GatewayStats; oldestAgeS: Record<string, number> };
}

/**
 * Writes the gateway's own counters to InfluxDB every 10 s as `gateway_stats` points
 * (shape in dashboards/README.md), so the Devices dashboard shows rejects and outbox
 * health beside the readings. Self-telemetry, not a reading: it bypasses the outbox, and
 * a report that cannot be written is skipped — the counters are cumulative, so the next
 * report carries the same information, and Prometheus /metrics has it live.
 */
export class GatewayStatsReporter {
  private client: InfluxDB | undefined;
  private readonly worker: Worker;

  constructor(private readonly options: StatsReporterOptions) {
    this.worker = new Worker({ name: 'gateway_stats report', logger: options.logger, intervalMs: this.intervalMs, pass: () => this.report() });
  }

  private get intervalMs(): number {
    return this.options.intervalMs ?? 10_000;
  }

  start(): void {
    this.client = new InfluxDB({
      ...influxEndpoint(this.options.url),
      database: this.options.database ?? INFLUX_DATABASE,
      pool: { maxRetries: 0, requestTimeout: 5_000 },
      // Declared so counters go out as integers every time: a field that changes type is refused.
      schema: [
        {
          measurement: MEASUREMENTS.gatewayStats,
          tags: ['store', 'gateway', 'input', 'reason', 'sink'],
          fields: { rejected: FieldType.INTEGER, written: FieldType.INTEGER, outbox_depth: FieldType.INTEGER, outbox_age_s: FieldType.FLOAT, dead_lettered: FieldType.INTEGER },
        },
      ],
    });
    this.worker.start(this.intervalMs);
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.report();
    this.client = undefined;
  }

  points(now: number): IPoint[] {
    const { stats, oldestAgeS } = this.options.snapshot();
    const base = { store: this.options.storeId, gateway: this.options.gatewayId };
    const timestamp = new Date(now);
    const rejects = Object.entries(stats.rejected).map(([key, n]) => {
      const [input = 'unknown', reason = 'unknown'] = key.split(':');
      return { measurement: MEASUREMENTS.gatewayStats, tags: { ...base, input, reason }, fields: { rejected: Math.trunc(n) }, timestamp };
    });
    const sinks = Object.entries(stats.outboxPending).map(([sink, depth]) => ({
      measurement: MEASUREMENTS.gatewayStats,
      tags: { ...base, sink },
      fields: { written: Math.trunc(stats.written[sink] ?? 0), outbox_depth: Math.trunc(depth), outbox_age_s: oldestAgeS[sink] ?? 0 },
      timestamp,
    }));
    // Every sink and reason, zeros included: a counter's first increase only shows against a point before it.
    const deadLetters = Object.keys(stats.outboxPending).flatMap((sink) =>
      DEAD_LETTER_REASONS.map((reason) => ({
        measurement: MEASUREMENTS.gatewayStats,
        tags: { ...base, sink, reason },
        fields: { dead_lettered: Math.trunc(stats.deadLettered[`${sink}:${reason}`] ?? 0) },
        timestamp,
      })),
    );
    return [...rejects, ...sinks, ...deadLetters];
  }

  private async report(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.writePoints(this.points(Date.now()), { precision: 'ms' });
    } catch (err) {
      // Not a failure to back off from: the next report, on time, carries the same counters.
      this.options.logger.debug({ err }, 'gateway_stats report skipped: InfluxDB not reachable');
    }
  }
}
