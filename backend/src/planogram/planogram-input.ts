import { ChannelCalibration, DeviceId, ShelfId, Sku, SlotId } from '@shelfwatch/contracts';
import { z } from 'zod';

/** One shelf of a planogram import (JSON body or grouped CSV rows). Calibration is the installer's; kept when absent. */
export const PlanogramSlotInput = z
  .object({
    id: SlotId,
    channel: z.number().int().min(0).max(63),
    sku: Sku,
    facings: z.number().int().positive().max(50),
    capacity: z.number().int().positive().max(1000),
    reorderPoint: z.number().int().min(0),
    calibration: ChannelCalibration.optional(),
  })
  .strict()
  .refine((s) => s.reorderPoint < s.capacity, { message: 'reorderPoint must be below capacity', path: ['reorderPoint'] });

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
