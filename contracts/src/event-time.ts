import { z } from 'zod';

/**
 * How far a reading's event time (the device's timestamp) may stray from the receiving
 * clock. Rules run on event time, so a device clock set to the year 2100 would otherwise
 * move a whole store's clock there; one far in the past would slip under the window in
 * which readings are deduplicated. Gateway and backend check the same bound where readings
 * enter them.
 */
export const EventTimeBound = z
  .object({
    /** How far ahead of the receiver's clock a reading may be (device clock skew). */
    maxAheadMs: z.number().int().min(0),
    /** How old a reading may be when it arrives (devices buffering, gateway backlogs). */
    maxAgeMs: z.number().int().positive(),
  })
  .strict();
export type EventTimeBound = z.infer<typeof EventTimeBound>;

/** A few minutes covers NTP-less device clocks drifting for months; more is a broken clock. */
export const DEFAULT_MAX_AHEAD_MS = 5 * 60_000;

export type EventTimeVerdict = 'ok' | 'ts_ahead' | 'ts_too_old';

/** Pure: is `ts` within the bound around `now`? The verdicts double as counted reject reasons. */
export function checkEventTime(ts: number, now: number, bound: EventTimeBound): EventTimeVerdict {
  if (ts > now + bound.maxAheadMs) return 'ts_ahead';
  if (ts < now - bound.maxAgeMs) return 'ts_too_old';
  return 'ok';
}

const UNITS: [number, string][] = [
  [365 * 86_400_000, 'years'],
  [86_400_000, 'days'],
  [3_600_000, 'hours'],
  [60_000, 'minutes'],
];

/** "ts 2100-01-01T00:00:00.000Z is 73.1 years ahead of the receiver's clock": for logs and refusals. */
export function describeEventTime(ts: number, now: number): string {
  const diff = ts - now;
  const [size, unit] = UNITS.find(([ms]) => Math.abs(diff) >= ms) ?? UNITS[UNITS.length - 1]!;
  return `ts ${new Date(ts).toISOString()} is ${(Math.abs(diff) / size).toFixed(1)} ${unit} ${diff >= 0 ? 'ahead of' : 'behind'} the receiver's clock`;
}
