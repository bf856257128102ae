import type { TimelineEvent } from '../../scenario/schema.js';
import { CASE_EVENTS } from './case-events.js';
import { DEVICE_EVENTS } from './device-events.js';
import { PROBE_EVENTS } from './probe-events.js';
import { SHELF_EVENTS } from './shelf-events.js';
import { STORE_EVENTS } from './store-events.js';
import type { TimelineHandler, TimelineHandlers, TimelineWorld } from './types.js';

/** One handler per timeline event type; the compiler checks every type has exactly one. */
export const TIMELINE_HANDLERS: TimelineHandlers<TimelineEvent['type']> = {
  ...CASE_EVENTS,
  ...PROBE_EVENTS,
  ...DEVICE_EVENTS,
  ...STORE_EVENTS,
  ...SHELF_EVENTS,
};

export function applyTimelineEvent(world: TimelineWorld, event: TimelineEvent, atMs: number): void {
  (TIMELINE_HANDLERS[event.type] as TimelineHandler<TimelineEvent['type']>)(world, event, atMs);
}
