import type { Product } from '@shelfwatch/contracts';
import type { TimelineEvent, TimelineEventType } from '../../scenario/schema.js';
import type { BoardFaults, CaseSim, NetworkState, ProbeSim, SlotSim } from '../entities.js';
import type { GroundTruthRecorder } from '../ground-truth-recorder.js';

/**
 * The part of the store world that timeline events act on (StoreWorld implements it), so the
 * handlers depend on what they change, not on the world that runs them.
 */
export interface TimelineWorld {
  readonly storeId: string;
  readonly slots: Map<string, SlotSim>;
  readonly cases: Map<string, CaseSim>;
  readonly probes: Map<string, ProbeSim>;
  readonly boardFaults: Map<string, BoardFaults>;
  readonly controllerOffline: Map<string, number>;
  readonly silent: Map<string, number>;
  readonly cameraOffline: Map<string, number>;
  readonly cameraHidden: Map<string, Map<string, number>>;
  powerCut: number;
  readonly network: NetworkState;
  readonly rushes: { multiplier: number; skus: Set<string> | null }[];
  readonly truth: GroundTruthRecorder;
  product(sku: string): Product;
  schedule(atMs: number, run: (atMs: number) => void): void;
  fault(event: TimelineEvent, atMs: number, target: string, detail: Record<string, unknown>, start: () => void, end: () => void): void;
  during(event: TimelineEvent, atMs: number, start: () => void, end: (endAt: number) => void): void;
  doRestock(slotId: string, atMs: number, by: 'auto' | 'timeline' | 'api', units?: number): void;
  restockWrongProduct(slotId: string, sku: string, atMs: number, units: number | undefined): void;
  addMisplaced(s: SlotSim, product: Product, units: number, atMs: number, cause: 'misplace' | 'restock', soldPerS: number): void;
  doDelivery(sku: string, units: number, atMs: number, source: 'timeline' | 'api'): void;
  clearMisplaced(s: SlotSim, atMs: number): void;
  cameraSees(cameraId: string, slotId: string): boolean;
  defrostActive(c: CaseSim): boolean;
}

/** What one kind of timeline event does to the world at atMs (and, with forS, schedules its end). */
export type TimelineHandler<K extends TimelineEventType> = (world: TimelineWorld, event: Extract<TimelineEvent, { type: K }>, atMs: number) => void;

export type TimelineHandlers<K extends TimelineEventType> = { [T in K]: TimelineHandler<T> };

/** Adds one to a counted flag (several overlapping events may hold it) and returns the undo. */
export function countUp(map: Map<string, number>, key: string): () => void {
  map.set(key, (map.get(key) ?? 0) + 1);
  return () => map.set(key, (map.get(key) ?? 1) - 1);
}
