import { ChannelCalibration, DeviceId, reorderPointBelowCapacity, ShelfId, SLOT_FIELDS } from '@shelfwatch/contracts';
import { z } from 'zod';

/** One shelf of a planogram import (JSON body or grouped CSV rows). Calibration is the installer's; kept when absent. */
export const PlanogramSlotInput = reorderPointBelowCapacity(z.object({ ...SLOT_FIELDS, calibration: ChannelCalibration.optional() }).strict());

export const PlanogramShelfInput = z
  .object({
    id: ShelfId,
    aisle: z.string().min(1).max(20),
    boardId: DeviceId.optional(),
    slots: z.array(PlanogramSlotInput).min(1).max(64),
  })
  .strict();
export type PlanogramShelfInput = z.infer<typeof PlanogramShelfInput>;

/** Body of PUT /api/v1/stores/{storeId}/planogram: the listed shelves are replaced, others kept. */
export const PlanogramImport = z.object({ shelves: z.array(PlanogramShelfInput).min(1).max(500) }).strict();
export type PlanogramImport = z.infer<typeof PlanogramImport>;

export const PlanogramRowError = z.object({ row: z.number().int(), column: z.string().optional(), message: z.string() }).strict();
export type PlanogramRowError = z.infer<typeof PlanogramRowError>;

export const PlanogramImportResult = z
  .object({ storeId: z.string(), shelves: z.number().int(), slots: z.number().int(), warnings: z.array(z.string()) })
  .strict();
