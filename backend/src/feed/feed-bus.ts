import type { TaskEvent } from '@shelfwatch/contracts';
import type { Logger } from 'pino';

export type FeedListener = (event: TaskEvent) => void;

/**
 * In-process fan-out of committed task events to live SSE connections. Each listener is
 * isolated: one broken connection cannot stop the others from receiving.
 */
export class FeedBus {
  private readonly listeners = new Set<FeedListener>();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: TaskEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (err) {
          this.logger.warn({ err, seq: event.seq }, 'feed listener failed');
        }
      }
    }
  }

  size(): number {
    return this.listeners.size;
  }
}
