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

/**
 * HTTP statuses worth retrying: timeouts, throttling and server-side failures, and also
 * 401/403/404: those say the peer refuses everyone (wrong token, wrong URL), not this
 * batch, and treating them as permanent would bisect every reading into dead letters.
 * Other 4xx are about the batch's content: permanent.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 404 || status === 408 || status === 429 || status >= 500;
}

/** The outbox is at its bound: the caller must not acknowledge the reading. */
export class OutboxFullError extends Error {
  override readonly name = 'OutboxFullError';
  constructor(readonly pending: number, readonly maxPending: number) {
    super(`outbox full: ${pending} readings pending (bound ${maxPending})`);
  }
}
