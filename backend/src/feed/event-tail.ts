import type { Storage } from '../storage/ports.js';
import type { FeedBus } from './feed-bus.js';

const PAGE = 500;

/**
 * With several replicas the feed's source is the event log, not this replica's commits: each
 * replica reads the log in seq order (commit order, see TaskRepo.appendEvents) and publishes
 * what it has not published yet, its own events and the others' alike, so every replica's feed
 * carries every event, once, in one order.
 */
export class EventTail {
  private last = 0;

  constructor(
    private readonly storage: Storage,
    private readonly bus: FeedBus,
  ) {}

  /** Starts after what the log already holds (a feed client gets older events from its backlog). */
  async start(): Promise<void> {
    this.last = await this.storage.tasks.lastSeq();
  }

  /** Publishes everything committed since the last pass. */
  async pass(): Promise<void> {
    for (;;) {
      const page = await this.storage.tasks.eventsAfter(this.last, PAGE);
      if (page.length === 0) return;
      this.bus.publish(page);
      this.last = page[page.length - 1]!.seq;
    }
  }
}
