import { gatewayStatsPoints, INFLUX_DATABASE, influxSetupStatements, type InfluxPointShape } from '@shelfwatch/contracts';
import { InfluxWriter, Worker } from '@shelfwatch/service-kit';
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
 * (contracts' gatewayStatsPoints; see dashboards/README.md), so the Devices dashboard shows
 * rejects and outbox health beside the readings. Self-telemetry, not a reading: it bypasses the outbox, and
 * a report that cannot be written is skipped — the counters are cumulative, so the next
 * report carries the same information, and Prometheus /metrics has it live.
 */
export class GatewayStatsReporter {
  private readonly writer: InfluxWriter;
  private readonly worker: Worker;

  constructor(private readonly options: StatsReporterOptions) {
    const database = options.database ?? INFLUX_DATABASE;
    this.writer = new InfluxWriter({ url: options.url, database, setupStatements: influxSetupStatements(database), timeoutMs: 5_000 });
    this.worker = new Worker({ name: 'gateway_stats report', logger: options.logger, intervalMs: this.intervalMs, pass: () => this.report() });
  }

  private get intervalMs(): number {
    return this.options.intervalMs ?? 10_000;
  }

  start(): void {
    this.worker.start(this.intervalMs);
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.report();
  }

  points(now: number): InfluxPointShape[] {
    const { stats, oldestAgeS } = this.options.snapshot();
    const sinks = Object.keys(stats.outboxPending);
    return gatewayStatsPoints({
      storeId: this.options.storeId,
      gatewayId: this.options.gatewayId,
      at: now,
      rejected: Object.entries(stats.rejected).map(([key, count]) => {
        const [input = 'unknown', reason = 'unknown'] = key.split(':');
        return { input, reason, count };
      }),
      sinks: sinks.map((sink) => ({ sink, written: stats.written[sink] ?? 0, outboxDepth: stats.outboxPending[sink] ?? 0, outboxAgeS: oldestAgeS[sink] ?? 0 })),
      // Every sink and reason, zeros included: a counter's first increase only shows against a point before it.
      deadLettered: sinks.flatMap((sink) => DEAD_LETTER_REASONS.map((reason) => ({ sink, reason, count: stats.deadLettered[`${sink}:${reason}`] ?? 0 }))),
    });
  }

  private async report(): Promise<void> {
    try {
      await this.writer.write(this.points(Date.now()));
    } catch (err) {
      // Not a failure to back off from: the next report, on time, carries the same counters.
      this.options.logger.debug({ err }, 'gateway_stats report skipped: InfluxDB did not take it');
    }
  }
}
