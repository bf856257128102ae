import type { Reading } from '@shelfwatch/contracts';
import { OutboxFullError } from '../errors.js';
import type { InputContext } from './input.js';
import type { RejectLog } from './reject-log.js';

/**
 * Appends readings from a protocol that cannot be asked to send them again (a serial line
 * has no acknowledgement, an OPC UA notification none per value): past the outbox's bound
 * they are refused, counted and logged (policy in README.md), never dropped silently.
 */
export function appendUnacknowledged(context: InputContext, input: string, rejectLog: RejectLog, readings: Reading[], what: string): void {
  const { outbox, metrics, logger } = context;
  outbox.append(readings).then(
    () => metrics.accepted(input, readings.length),
    (err: unknown) => {
      const reason = err instanceof OutboxFullError ? 'outbox_full' : 'outbox_error';
      metrics.rejected(input, reason, readings.length);
      rejectLog.log(`outbox:${reason}`, { err, readings: readings.length }, `${what} not stored`);
      if (reason === 'outbox_error') logger.error({ err }, 'outbox append failed');
    },
  );
}
