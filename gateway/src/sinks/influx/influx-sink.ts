import { INFLUX_DATABASE, influxSetupStatements, readingToPoint, type Reading } from '@shelfwatch/contracts';
import { InfluxWriteError, InfluxWriter } from '@shelfwatch/service-kit';
import type { Logger } from 'pino';
import { SinkError } from '../../errors.js';
import type { Sink } from '../sink.js';

export interface InfluxSinkOptions {
  url: string;
  database?: string;
  logger: Logger;
  /** Points InfluxDB refused for good inside an otherwise written batch (counted by the caller). */
  onDropped?: (count: number, reason: string) => void;
  /** The writer, injected so unit tests can pass a fake one. */
  writer?: Pick<InfluxWriter, 'prepare' | 'write'>;
}

/** InfluxDB 1.x through the shared InfluxWriter: every reading, schema from contracts, nanosecond timestamps. */
export class InfluxSink implements Sink {
  readonly name = 'influx';
  readonly batchSize = 5000;
  readonly maxInFlight = 2;
  /** Dashboards read this: a tenth of a second of gathering costs nothing and spares many requests. */
  readonly flushIntervalMs = 100;
  private writer: Pick<InfluxWriter, 'prepare' | 'write'> | undefined;

  constructor(private readonly options: InfluxSinkOptions) {}

  init(): void {
    const database = this.options.database ?? INFLUX_DATABASE;
    this.writer = this.options.writer ?? new InfluxWriter({ url: this.options.url, database, setupStatements: influxSetupStatements(database) });
  }

  async start(): Promise<void> {
    // Setup is retried on the write path if influxd is down now; never block start on it.
    await this.requireWriter()
      .prepare()
      .catch((err: unknown) => this.options.logger.warn({ err }, 'influx setup deferred: server not reachable'));
  }

  async stop(): Promise<void> {}

  accepts(): boolean {
    return true;
  }

  async write(readings: Reading[], signal?: AbortSignal): Promise<void> {
    const { droppedBeyondRetention: dropped } = await this.requireWriter()
      .write(readings.map(readingToPoint), signal)
      .catch((err: unknown) => {
        // Permanent (a field type conflict, a point that cannot be encoded): the runner bisects
        // the batch until the bad point stands alone and dead-letters it.
        throw err instanceof InfluxWriteError ? new SinkError(err.message, err.retryable, err.status) : err;
      });
    if (dropped > 0) {
      this.options.logger.warn({ dropped, batch: readings.length }, 'influx dropped points older than the retention policy');
      this.options.onDropped?.(dropped, 'beyond_retention');
    }
  }

  private requireWriter(): Pick<InfluxWriter, 'prepare' | 'write'> {
    if (!this.writer) throw new SinkError('influx sink is not initialised', true);
    return this.writer;
  }
}
