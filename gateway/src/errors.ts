/** A sink failure that says whether retrying the same batch can succeed (Telegraf's APIError). */
export class SinkError extends Error {
  override readonly name = 'SinkError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The outbox is at its bound: the caller must not acknowledge the reading. */
export class OutboxFullError extends Error {
  override readonly name = 'OutboxFullError';
  constructor(readonly pending: number, readonly maxPending: number) {
    super(`outbox full: ${pending} readings pending (bound ${maxPending})`);
  }
}
