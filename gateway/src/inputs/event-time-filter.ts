import { checkEventTime, describeEventTime, type Reading } from '@shelfwatch/contracts';
import type { InputContext } from './input.js';
import type { RejectLog } from './reject-log.js';

/**
 * Event time is checked where it enters, against the gateway's clock: a device whose clock
 * says 2100 (or 1970) would otherwise move the store's rules there, and its readings would
 * sit in the outbox for every sink to choke on. Such readings are refused here, counted as
 * `ts_ahead` / `ts_too_old` and logged; rejecting (rather than clamping) keeps every stored
 * time a device's own, and a wrong device clock shows up on the Devices dashboard.
 */
export function admitEventTimes(context: InputContext, input: string, rejectLog: RejectLog, readings: Reading[]): Reading[] {
  const now = context.clock.now();
  return readings.filter((r) => {
    const verdict = checkEventTime(r.ts, now, context.eventTime);
    if (verdict === 'ok') return true;
    context.metrics.rejected(input, verdict);
    rejectLog.log(`${r.deviceId}:${verdict}`, { deviceId: r.deviceId, readingId: r.id, reason: verdict, detail: describeEventTime(r.ts, now) }, 'reading refused: device event time out of bounds (device clock wrong?)');
    return false;
  });
}
