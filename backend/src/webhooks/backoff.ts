/**
 * Retry schedule for supplier webhooks: exponential from 10 s, capped at 1 h, with jitter
 * (each delay drawn from [50 %, 100 %] of the step) so a supplier coming back is not hit
 * by every store at once. Messages are retried until GIVE_UP_AFTER_MS after they were
 * created (26 h: a supplier down for a whole day still receives every message), then marked failed.
 */
export const BASE_DELAY_MS = 10_000;
export const MAX_DELAY_MS = 3_600_000;
export const GIVE_UP_AFTER_MS = 26 * 3_600_000;

export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + 0.5 * random()));
}
