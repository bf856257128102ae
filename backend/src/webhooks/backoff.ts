import { backoffDelay } from '@shelfwatch/service-kit';

/**
 * Retry schedule for supplier webhooks: exponential from 10 s, capped at 1 h, with jitter
 * (each delay drawn from [50 %, 100 %] of the step) so a supplier coming back is not hit
 * by every store at once. Messages are retried until GIVE_UP_AFTER_MS after they were
 * created (26 h: a supplier down for a whole day still receives every message), then marked failed.
 */
export const BASE_DELAY_MS = 10_000;
export const MAX_DELAY_MS = 3_600_000;
export const GIVE_UP_AFTER_MS = 26 * 3_600_000;

/** The delay after the `attempt`-th attempt (1 for the first). */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(backoffDelay({ initialMs: BASE_DELAY_MS, maxMs: MAX_DELAY_MS }, Math.max(0, attempt - 1), random));
}
