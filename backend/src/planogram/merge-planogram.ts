import { StoreLayout } from '@shelfwatch/contracts';
import type { PlanogramShelfInput } from './planogram-input.js';

/** Until an installer calibrates a new channel: raw counts read as grams (the gateway's calibration is authoritative). */
const UNCALIBRATED = { offsetCounts: 0, countsPerGram: 1 };

export type MergeResult =
  | { ok: true; layout: StoreLayout; warnings: string[] }
  | { ok: false; errors: { path: string; message: string }[] };

/**
 * Replaces the listed shelves of a layout and validates the whole result with the
 * contract's StoreLayout rules (unique slots, channels, devices; known SKUs). A slot
 * that keeps its id keeps its calibration; cameras stop watching slots that are gone.
 */
export function mergePlanogram(layout: StoreLayout, shelves: PlanogramShelfInput[]): MergeResult {
  const warnings: string[] = [];
  const oldSlots = new Map(layout.shelves.flatMap((s) => s.slots.map((sl) => [sl.id, sl] as const)));
  const oldShelves = new Map(layout.shelves.map((s) => [s.id, s]));
  const replaced = new Map(
    shelves.map((s) => [
      s.id,
      {
        id: s.id,
        aisle: s.aisle,
        boardId: s.boardId ?? oldShelves.get(s.id)?.boardId ?? `board-${s.id}`.slice(0, 63),
        slots: s.slots.map((sl) => ({
          id: sl.id,
          channel: sl.channel,
          sku: sl.sku,
          facings: sl.facings,
          capacity: sl.capacity,
          reorderPoint: sl.reorderPoint,
          calibration: sl.calibration ?? oldSlots.get(sl.id)?.calibration ?? UNCALIBRATED,
        })),
      },
    ]),
  );
  const nextShelves = [...layout.shelves.map((s) => replaced.get(s.id) ?? s), ...[...replaced.values()].filter((s) => !oldShelves.has(s.id))];
  const slotIds = new Set(nextShelves.flatMap((s) => s.slots.map((sl) => sl.id)));
  const cameras = layout.cameras.flatMap((c) => {
    const kept = c.slotIds.filter((id) => slotIds.has(id));
    if (kept.length < c.slotIds.length) warnings.push(`camera ${c.id} no longer watches ${c.slotIds.length - kept.length} removed slot(s)`);
    if (kept.length === 0) {
      warnings.push(`camera ${c.id} watches no slot any more and was unassigned`);
      return [];
    }
    return [{ ...c, slotIds: kept }];
  });
  for (const s of replaced.values()) {
    for (const sl of s.slots) if (!oldSlots.has(sl.id) && sl.calibration === UNCALIBRATED) warnings.push(`slot ${sl.id} is new and uncalibrated`);
  }
  const parsed = StoreLayout.safeParse({ ...layout, shelves: nextShelves, cameras });
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  }
  return { ok: true, layout: parsed.data, warnings };
}
