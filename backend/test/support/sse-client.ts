import { TaskEvent } from '@shelfwatch/contracts';
import { sseMessages, type SseMessage } from '@shelfwatch/test-support';

/**
 * Reads a text/event-stream over fetch and parses it per the SSE spec (the subset the
 * backend uses), so tests await events instead of sleeping.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  private waiters: { match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void; from: number }[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> | undefined;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const c = new SseClient();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: c.controller.signal });
    c.status = res.status;
    if (res.ok && res.body) c.done = c.pump(res.body);
    else await res.body?.cancel();
    return c;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const msg of sseMessages(body, (c) => this.comments.push(c))) {
        this.messages.push(msg);
        const index = this.messages.length - 1;
        this.waiters = this.waiters.filter((w) => {
          if (index >= w.from && w.match(msg)) {
            w.resolve(msg);
            return false;
          }
          return true;
        });
      }
    } catch {
      // aborted by close()
    }
  }

  /** The first task event (from the start of the stream) matching the predicate. */
  async nextTask(match: (e: TaskEvent) => boolean, timeoutMs = 10_000): Promise<TaskEvent> {
    const predicate = (m: SseMessage) => m.event === 'task' && match(TaskEvent.parse(JSON.parse(m.data)));
    const existing = this.messages.find(predicate);
    if (existing) return TaskEvent.parse(JSON.parse(existing.data));
    const msg = await new Promise<SseMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for an SSE task event')), timeoutMs);
      this.waiters.push({
        match: predicate,
        from: this.messages.length,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
    return TaskEvent.parse(JSON.parse(msg.data));
  }

  taskEvents(): TaskEvent[] {
    return this.messages.filter((m) => m.event === 'task').map((m) => TaskEvent.parse(JSON.parse(m.data)));
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}
