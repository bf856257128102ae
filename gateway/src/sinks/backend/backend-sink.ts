import type { IngestBatch} from '@shelfwatch/contracts';
import type { Reading } from '@shelfwatch/contracts';
import { httpPost, isRetryableStatus, withDeadline, type Post } from '@shelfwatch/service-kit';
import type { Logger } from 'pino';
import { SinkError } from '../../errors.js';
import type { Sink } from '../sink.js';
import { EndpointRotation, peerUnavailable } from './endpoint-rotation.js';
import { ForwardFilter } from './forward-filter.js';

/** One backend, or several to fail over between (tried in this order). */
export type BackendTarget = { url: string } | { urls: readonly string[] };

export type BackendSinkOptions = BackendTarget & {
  token: string;
  gatewayId: string;
  logger: Logger;
  batchSize?: number;
  heartbeatMs?: number;
  requestTimeoutMs?: number;
  /** Transport, injected so unit tests can pass a fake; defaults to service-kit's httpPost. */
  post?: Post;
  /** Called on each switch to another backend URL (for the failover counter). */
  onFailover?: (from: string, to: string) => void;
};

/**
 * POST {url}/api/v1/ingest with an IngestBatch; the backend deduplicates by reading id. With
 * several URLs, a backend that is unavailable makes the next attempt go to the next URL; the
 * runner retries the same batch, so order and exactly-once hold across the switch.
 */
export class BackendSink implements Sink {
  readonly name = 'backend';
  readonly batchSize: number;
  readonly maxInFlight = 1;
  /** Rules and alerts wait on this sink: at most 10 ms of gathering while it is busy. */
  readonly flushIntervalMs = 10;
  private endpoints: EndpointRotation<Endpoint> | undefined;
  private readonly filter: ForwardFilter;

  constructor(private readonly options: BackendSinkOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.filter = new ForwardFilter({ heartbeatMs: options.heartbeatMs ?? 60_000 });
  }

  init(): void {
    const [first, ...rest] = ('urls' in this.options ? this.options.urls : [this.options.url]).map(ingestEndpoint);
    if (!first) throw new Error('backend.urls must name at least one backend');
    this.endpoints = new EndpointRotation([first, ...rest]);
  }

  /** For /healthz: the backend URL in use, and how many there are to fail over between. */
  details(): { url: string | null; urls: number } {
    return { url: this.endpoints?.current.base ?? null, urls: this.endpoints?.size ?? 0 };
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  accepts(reading: Reading): boolean {
    return this.filter.accepts(reading);
  }

  async write(readings: Reading[], signal?: AbortSignal): Promise<void> {
    const body: IngestBatch = { gatewayId: this.options.gatewayId, readings };
    const post = this.options.post ?? httpPost;
    if (!this.endpoints) throw new SinkError('backend sink is not initialised', true);
    const endpoint = this.endpoints.current;
    let res: { status: number; text: string };
    try {
      // The answer is read inside the deadline too: a backend may stall mid-body.
      res = await withDeadline(
        (deadline) =>
          post(endpoint.ingest, {
            headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
            body: JSON.stringify(body),
            signal: deadline,
          }),
        { timeoutMs: this.options.requestTimeoutMs ?? 30_000, ...(signal ? { signal } : {}) },
      );
    } catch (err) {
      // Stopping is not the backend's fault: stay on it.
      if (!signal?.aborted) this.failOver(endpoint, { error: err });
      throw new SinkError(`backend ingest: ${(err as Error).message}`, true);
    }
    if (res.status >= 200 && res.status < 300) return;
    this.failOver(endpoint, res);
    throw new SinkError(`backend ingest: HTTP ${res.status} ${res.text.slice(0, 500)}`, isRetryableStatus(res.status), res.status);
  }

  private failOver(endpoint: Endpoint, outcome: { status: number } | { error: unknown }): void {
    if (!peerUnavailable(outcome)) return;
    const moved = this.endpoints?.failedOver(endpoint);
    if (!moved) return;
    const [from, to] = [moved.from.base, moved.to.base];
    const why = 'error' in outcome ? { err: outcome.error } : { status: outcome.status };
    this.options.logger.warn({ sink: this.name, from, to, ...why }, 'backend unavailable; failing over to the next backend URL');
    this.options.onFailover?.(from, to);
  }
}

interface Endpoint {
  /** As configured: what logs and /healthz show. */
  base: string;
  ingest: URL;
}

function ingestEndpoint(base: string): Endpoint {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`backend URL must be http(s), got ${url.protocol}`);
  return { base, ingest: new URL('api/v1/ingest', url.href.endsWith('/') ? url.href : `${url.href}/`) };
}
