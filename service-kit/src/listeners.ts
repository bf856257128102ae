import type { Logger } from 'pino';

/**
 * A typed hook: listeners subscribe to one kind of event, and each is isolated, so one that
 * throws is logged and cannot keep the event from the others (nor fail the emitter).
 */
export class Listeners<E> {
  private readonly listeners = new Set<(event: E) => void>();

  constructor(
    private readonly logger: Logger,
    /** For the log. */
    private readonly name: string,
  ) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.warn({ err, hook: this.name }, `${this.name} listener failed`);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
