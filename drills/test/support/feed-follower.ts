import { setTimeout as delay } from 'node:timers/promises';
import { TaskEvent } from '@shelfwatch/contracts';
import { sseMessages } from '@shelfwatch/test-support';

/**
 * A staff client of the task feed (`/api/v1/alerts/stream`, Server-Sent Events) over several
 * backend replicas, as a browser's EventSource behind a load balancer behaves: it remembers the
 * id of the last event it got and, when its replica goes away, connects to the next URL (round
 * robin, again and again until one answers) with `Last-Event-ID`. It keeps every event it
 * received, repeats included, so a drill can check each seq came once and none is missing.
 */
export class FeedFollower {
  /** Every task event received, in arrival order. */
  readonly events: TaskEvent[] = [];
  /** Each connection made (URL), in order: more than one means it resumed elsewhere. */
  readonly connections: string[] = [];
  private lastEventId = 0;
  private current = 0;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly urls: readonly string[],
    private readonly token: string,
    /** Wait before connecting again after a connection ended (an EventSource's `retry`, shortened). */
    private readonly retryMs = 100,
  ) {}

  /** Starts following from the beginning of the log (Last-Event-ID 0). */
  start(): void {
    this.loop ??= this.follow();
  }

  /** The highest seq received. */
  get lastSeq(): number {
    return this.lastEventId;
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  private async follow(): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted) {
      const url = this.urls[this.current % this.urls.length] ?? '';
      try {
        const res = await fetch(`${url}/api/v1/alerts/stream`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${this.token}`, 'last-event-id': String(this.lastEventId) },
          signal,
        });
        if (res.ok && res.body) {
          this.connections.push(url);
          await this.read(res.body);
        } else {
          await res.body?.cancel();
        }
      } catch {
        // Refused, reset or aborted: the replica is gone (or we are closing).
      }
      if (signal.aborted) break;
      this.current++;
      await delay(this.retryMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Takes the task events of one connection until it ends. */
  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    for await (const m of sseMessages(body)) {
      if (m.event !== 'task' || m.id === undefined) continue;
      this.events.push(TaskEvent.parse(JSON.parse(m.data)));
      this.lastEventId = Number(m.id);
    }
  }
}
