/** HTTP answers that come from a proxy or a backend that cannot serve now, not about the batch. */
const PEER_UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/**
 * Whether a failed request says the backend at that URL is unavailable, so another URL may
 * serve: no answer at all (refused, reset, timed out, cut off) or 502/503/504. Any other
 * answer (4xx about the data or the token, 500) would be the same at every replica.
 */
export function peerUnavailable(outcome: { status: number } | { error: unknown }): boolean {
  return 'error' in outcome || PEER_UNAVAILABLE_STATUSES.has(outcome.status);
}

/**
 * The backend URLs in configured order and the one in use. A failure moves on to the next
 * (round robin); a working URL is kept however far down the list it is, so a recovered first
 * backend is used again only once the current one fails (no flapping between the two).
 */
export class EndpointRotation<T> {
  private index = 0;

  constructor(private readonly endpoints: readonly [T, ...T[]]) {}

  get current(): T {
    return this.endpoints[this.index]!;
  }

  get size(): number {
    return this.endpoints.length;
  }

  /**
   * `failed` was unavailable: use the next one. Returns the switch, or undefined when there is
   * nothing to switch to or `failed` is no longer current (another attempt moved on already).
   */
  failedOver(failed: T): { from: T; to: T } | undefined {
    if (this.endpoints.length < 2 || failed !== this.current) return undefined;
    this.index = (this.index + 1) % this.endpoints.length;
    return { from: failed, to: this.current };
  }
}
