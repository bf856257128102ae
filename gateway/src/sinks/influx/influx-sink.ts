import { INFLUX_DATABASE, influxEndpoint, influxSetupStatements, readingToPoint, type InfluxEndpoint, type Reading } from '@shelfwatch/contracts';
import { isRetryableStatus } from '@shelfwatch/service-kit';
import { InfluxDB, type IPoint } from 'influx';
import type { Logger } from 'pino';
import { SinkError } from '../../errors.js';
import type { Sink } from '../sink.js';

export interface InfluxSinkOptions {
  url: string;
  database?: string;
  logger: Logger;
  /** Points InfluxDB refused for good inside an otherwise written batch (counted by the caller). */
  onDropped?: (count: number, reason: string) => void;
  /** Transport factory, injected so unit tests can pass a fake client. */
  createClient?: (options: { host: string; port: number; protocol: 'http' | 'https'; database: string }) => InfluxClient;
}

/** The part of node-influx's InfluxDB this sink uses. */
export interface InfluxClient {
  queryRaw(query: string, options: { method: 'POST'; database?: string }): Promise<unknown>;
  writePoints(points: IPoint[], options: { precision: 'n'; database: string }): Promise<void>;
}

/** InfluxDB 1.x via node-influx: every reading, schema from contracts, nanosecond timestamps. */
export class InfluxSink implements Sink {
  readonly name = 'influx';
  readonly batchSize = 5000;
  readonly maxInFlight = 2;
  /** Dashboards read this: a tenth of a second of gathering costs nothing and spares many requests. */
  readonly flushIntervalMs = 100;
  private client: InfluxClient | undefined;
  private setupDone = false;
  private database = INFLUX_DATABASE;
  private endpoint: InfluxEndpoint | undefined;

  constructor(private readonly options: InfluxSinkOptions) {}

  init(): void {
    this.endpoint = influxEndpoint(this.options.url);
    this.database = this.options.database ?? INFLUX_DATABASE;
  }

  async start(): Promise<void> {
    if (!this.endpoint) throw new Error('InfluxSink.init() was not called');
    const create = this.options.createClient ?? ((o) => new InfluxDB({ ...o, pool: { maxRetries: 0, requestTimeout: 30_000 } }));
    this.client = create({ ...this.endpoint, database: this.database });
    // Setup is retried on the write path if influxd is down now; never block start on it.
    await this.setup().catch((err: unknown) => this.options.logger.warn({ err }, 'influx setup deferred: server not reachable'));
  }

  async stop(): Promise<void> {
    this.client = undefined;
  }

  accepts(): boolean {
    return true;
  }

  async write(readings: Reading[]): Promise<void> {
    const client = this.requireClient();
    if (!this.setupDone) await this.setup();
    const points: IPoint[] = readings.map((r) => {
      const p = readingToPoint(r);
      return { measurement: p.measurement, tags: p.tags, fields: p.fields, timestamp: p.timestampNs };
    });
    try {
      await client.writePoints(points, { precision: 'n', database: this.database });
    } catch (err) {
      // A partial write wrote every other point of the batch; the dropped ones are older
      // than the retention policy keeps (e.g. after a weeks-long outage) and can never be
      // written, so retrying or bisecting would only repeat the same answer.
      const dropped = /points beyond retention policy dropped=(\d+)/.exec((err as Error).message);
      if (dropped) {
        const n = Number(dropped[1]);
        this.options.logger.warn({ dropped: n, batch: readings.length }, 'influx dropped points older than the retention policy');
        this.options.onDropped?.(n, 'beyond_retention');
        return;
      }
      const error = classify(err, 'influx write');
      // 404 "database not found": somebody dropped it; recreate it on the next attempt.
      if (error.status === 404) this.setupDone = false;
      throw error;
    }
  }

  private requireClient(): InfluxClient {
    if (!this.client) throw new SinkError('influx sink is not started', true);
    return this.client;
  }

  private async setup(): Promise<void> {
    const client = this.requireClient();
    for (const statement of influxSetupStatements(this.database)) {
      let result: unknown;
      try {
        result = await client.queryRaw(statement, { method: 'POST' });
      } catch (err) {
        throw classify(err, 'influx setup');
      }
      const error = (result as { results?: { error?: string }[] } | undefined)?.results?.[0]?.error;
      // A failing setup statement is a server or permission problem, not the data's: retry.
      if (error) throw new SinkError(`influx setup '${statement}': ${error}`, true);
    }
    this.setupDone = true;
  }
}

function classify(err: unknown, what: string): SinkError {
  const status = (err as { res?: { statusCode?: number } }).res?.statusCode;
  const message = `${what}: ${(err as Error).message}`;
  if (typeof status === 'number') return new SinkError(message, isRetryableStatus(status), status);
  return new SinkError(message, true);
}
