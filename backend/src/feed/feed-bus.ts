import type { TaskEvent } from '@shelfwatch/contracts';
import { Listeners } from '@shelfwatch/service-kit';
import type { Logger } from 'pino';

export type FeedListener = (event: TaskEvent) => void;

/**
 * In-process fan-out of committed task events to live SSE connections. Each listener is
 * isolated: one broken connection cannot stop the others from receiving.
 */
export class FeedBus {
  private readonly listeners: Listeners<TaskEvent>;

  constructor(logger: Logger) {
    this.listeners = new Listeners(logger, 'feed');
  }

  subscribe(listener: FeedListener): () => void {
    return this.listeners.subscribe(listener);
  }

  publish(events: readonly TaskEvent[]): void {
    for (const event of events) this.listeners.emit(event);
  }

  size(): number {
    return this.listeners.size;
  }
}
