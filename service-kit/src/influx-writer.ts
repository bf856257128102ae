import { setImmediate as nextTurn } from 'node:timers/promises';
import type { InfluxPointShape } from '@shelfwatch/contracts';
import { LineProtocolError, toLineProtocol } from './influx-line-protocol.js';
import { withDeadline } from './deadline.js';
import { httpPost } from './http-post.js';
import { isRetryableStatus } from './retry.js';

export interface InfluxWriterOptions {
  /** http(s)://host:port of an InfluxDB 1.x. */
  url: string;
  database: string;
  /** Create the database and its policies: run before the first write, and again after a 404 (database not found). */
  setupStatements?: readonly string[];
  /** Per request (a write or one setup statement). */
  timeoutMs?: number;
}

/** A write InfluxDB did not take. `retryable` says whether the same points can succeed later. */
export class InfluxWriteError extends Error {
  override readonly name = 'InfluxWriteError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface InfluxWriteResult {
  /**
   * Points InfluxDB dropped because they are older than the retention policy keeps (a partial
   * write: every other point was written). They can never be written, so this is not an error.
   */
  droppedBeyondRetention: number;
}

/** Points encoded per turn of the event loop (about a millisecond of work). */
const ENCODE_SLICE = 250;

/**
 * The one way points reach InfluxDB 1.x: line protocol over HTTP, precision `n`.
 * Failures are InfluxWriteErrors classified with isRetryableStatus: the server down, a
 * timeout, 401/403/404/429/5xx are retryable (they refuse everyone, not these points); other
 * 4xx, e.g. a field type conflict, and points that cannot be encoded are permanent, the
 * data's fault. A 404 (someone dropped the database) makes the next write run the setup first.
 */
export class InfluxWriter {
  private readonly base: string;
  private ready: boolean;

  constructor(private readonly options: InfluxWriterOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`InfluxDB URL must be http(s), got ${url.protocol}`);
    this.base = options.url.replace(/\/+$/, '');
    this.ready = !options.setupStatements?.length;
  }

  /** Whether the setup statements have run since the start or the last 404. */
  get prepared(): boolean {
    return this.ready;
  }

  /**
   * Runs the setup statements unless they have run (write() calls it too). Every failure is
   * retryable: a server or permission problem, never the data's.
   */
  async prepare(signal?: AbortSignal): Promise<void> {
    if (this.ready) return;
    for (const q of this.options.setupStatements ?? []) {
      const res = await this.request('/query', new URLSearchParams({ q }), signal, 'influx setup');
      const error = res.ok ? statementError(res.text) : `HTTP ${res.status} ${res.text.slice(0, 300)}`;
      if (error) throw new InfluxWriteError(`influx setup '${q}': ${error}`, true, res.ok ? undefined : res.status);
    }
    this.ready = true;
  }

  async write(points: readonly InfluxPointShape[], signal?: AbortSignal): Promise<InfluxWriteResult> {
    if (points.length === 0) return { droppedBeyondRetention: 0 };
    let body = '';
    try {
      // Encoded a slice at a time, letting the thread serve devices in between: a whole
      // 5,000-point batch at once held it for tens of milliseconds.
      for (let i = 0; i < points.length; i += ENCODE_SLICE) {
        if (i > 0) await nextTurn();
        body += `${i > 0 ? '\n' : ''}${toLineProtocol(points.slice(i, i + ENCODE_SLICE))}`;
      }
    } catch (err) {
      if (err instanceof LineProtocolError) throw new InfluxWriteError(`influx write: ${err.message}`, false, undefined, { cause: err });
      throw err;
    }
    await this.prepare(signal);
    const query = new URLSearchParams({ db: this.options.database, precision: 'n' });
    const res = await this.request(`/write?${query.toString()}`, body, signal, 'influx write');
    if (res.ok) return { droppedBeyondRetention: 0 };
    const text = res.text.slice(0, 500);
    // A partial write kept every other point; the dropped ones are older than the retention
    // policy keeps (e.g. after weeks offline): retrying or bisecting would repeat the answer.
    const dropped = /points beyond retention policy dropped=(\d+)/.exec(text);
    if (dropped) return { droppedBeyondRetention: Number(dropped[1]) };
    if (res.status === 404 && this.options.setupStatements?.length) this.ready = false;
    throw new InfluxWriteError(`influx write: HTTP ${res.status} ${text}`, isRetryableStatus(res.status), res.status);
  }

  /** One POST, its answer read in full, ended by an abort or the timeout whatever the client does. */
  private async request(path: string, body: string | URLSearchParams, signal: AbortSignal | undefined, what: string): Promise<{ ok: boolean; status: number; text: string }> {
    const form = body instanceof URLSearchParams;
    try {
      const res = await withDeadline(
        (deadline) =>
          httpPost(new URL(`${this.base}${path}`), {
            headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'text/plain; charset=utf-8' },
            body: body.toString(),
            signal: deadline,
          }),
        { timeoutMs: this.options.timeoutMs ?? 30_000, ...(signal ? { signal } : {}) },
      );
      return { ok: res.status >= 200 && res.status < 300, ...res };
    } catch (err) {
      // Not reachable, reset, timed out or aborted: nothing was refused, so the points are kept and retried.
      const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : (err as Error).message;
      throw new InfluxWriteError(`${what}: ${reason}`, true, undefined, { cause: err });
    }
  }
}

function statementError(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: string; results?: { error?: string }[] };
    return body.error ?? body.results?.find((r) => r.error)?.error;
  } catch {
    return `unreadable answer: ${text.slice(0, 300)}`;
  }
}
