import type { IngestBatch} from '@shelfwatch/contracts';
import type { Reading } from '@shelfwatch/contracts';
import { httpPost, isRetryableStatus, withDeadline, type Post } from '@shelfwatch/service-kit';
import type { Logger } from 'pino';
import { SinkError } from '../../errors.js';
import type { Sink } from '../sink.js';
import { ForwardFilter } from './forward-filter.js';

export interface BackendSinkOptions {
  url: string;
  token: string;
  gatewayId: string;
  logger: Logger;
  batchSize?: number;
  heartbeatMs?: number;
  requestTimeoutMs?: number;
  /** Transport, injected so unit tests can pass a fake; defaults to service-kit's httpPost. */
  post?: Post;
}

/** POST {url}/api/v1/ingest with an IngestBatch; the backend deduplicates by reading id. */
export class BackendSink implements Sink {
  readonly name = 'backend';
  readonly batchSize: number;
  readonly maxInFlight = 1;
  /** Rules and alerts wait on this sink: at most 10 ms of gathering while it is busy. */
  readonly flushIntervalMs = 10;
  private endpoint: URL | undefined;
  private readonly filter: ForwardFilter;

  constructor(private readonly options: BackendSinkOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.filter = new ForwardFilter({ heartbeatMs: options.heartbeatMs ?? 60_000 });
  }

  init(): void {
    const base = new URL(this.options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`backend.url must be http(s), got ${base.protocol}`);
    this.endpoint = new URL('api/v1/ingest', base.href.endsWith('/') ? base.href : `${base.href}/`);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  accepts(reading: Reading): boolean {
    return this.filter.accepts(reading);
  }

  async write(readings: Reading[], signal?: AbortSignal): Promise<void> {
    const body: IngestBatch = { gatewayId: this.options.gatewayId, readings };
    const post = this.options.post ?? httpPost;
    const endpoint = this.endpoint;
    if (!endpoint) throw new SinkError('backend sink is not initialised', true);
    let res: { status: number; text: string };
    try {
      // The answer is read inside the deadline too: a backend may stall mid-body.
      res = await withDeadline(
        (deadline) =>
          post(endpoint, {
            headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
            body: JSON.stringify(body),
            signal: deadline,
          }),
        { timeoutMs: this.options.requestTimeoutMs ?? 30_000, ...(signal ? { signal } : {}) },
      );
    } catch (err) {
      throw new SinkError(`backend ingest: ${(err as Error).message}`, true);
    }
    if (res.status >= 200 && res.status < 300) return;
    throw new SinkError(`backend ingest: HTTP ${res.status} ${res.text.slice(0, 500)}`, isRetryableStatus(res.status), res.status);
  }
}
