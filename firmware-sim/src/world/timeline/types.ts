import type { TimelineEvent, TimelineEventType } from '../../scenario/schema.js';
import type { StoreWorld } from '../store-world.js';

/** What one kind of timeline event does to the world at atMs (and, with forS, schedules its end). */
export type TimelineHandler<K extends TimelineEventType> = (world: StoreWorld, event: Extract<TimelineEvent, { type: K }>, atMs: number) => void;

export type TimelineHandlers<K extends TimelineEventType> = { [T in K]: TimelineHandler<T> };

/** Adds one to a counted flag (several overlapping events may hold it) and returns the undo. */
export function countUp(map: Map<string, number>, key: string): () => void {
  map.set(key, (map.get(key) ?? 0) + 1);
  return () => map.set(key, (map.get(key) ?? 1) - 1);
}
