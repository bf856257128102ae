import type { Channel } from '../ports.js';
import type { Sql } from './sql.js';

/** Constants shared by every replica (advisory lock keys are one namespace per database). */
export const EVENT_LOG_LOCK = 0x5357_4556; // "SWEV"

/** PostgreSQL channel names of the notices replicas send each other. */
export const CHANNELS: Record<Channel, string> = { events: 'shelfwatch_events', inbox: 'shelfwatch_inbox', layout: 'shelfwatch_layout' };

/** Sent when the transaction commits (never if it rolls back), to every listening replica. */
export async function notify(db: Sql, channel: Channel, payload: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CHANNELS[channel], payload]);
}
