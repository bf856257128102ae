import { z } from 'zod';
import { profileStateSchema } from './demand-profile.js';
import { slotStateSchema } from './slot-sales.js';

/**
 * What a store's sell-out forecast has learnt up to event time `asOf` (a whole hour): its
 * time-of-day and day-of-week pattern and each slot's pace. It outlives the replay window of a
 * restart, and the other stores of the chain borrow each product's pace from it.
 */
export const storeLearningSchema = z.object({
  version: z.literal(1),
  asOf: z.number().int(),
  /** The open-hours clock older sales fade on (sell-out-forecaster.ts), as it stood at `asOf`. */
  openClock: z.number().nonnegative(),
  profile: profileStateSchema,
  slots: z.record(z.string(), slotStateSchema),
});
export type StoreLearning = z.infer<typeof storeLearningSchema>;

/**
 * Each product's pace in other stores relative to their average slot (1: sells like the
 * store's average slot), with the sales behind it. A store sells at its own level; what carries
 * over is how the product compares with the rest of the range.
 */
export type ChainPace = ReadonlyMap<string, { relative: number; sales: number }>;

export function chainPace(stores: readonly StoreLearning[]): ChainPace {
  const bySku = new Map<string, { sales: number; expected: number }>();
  for (const store of stores) {
    const slots = Object.values(store.slots);
    const sales = slots.reduce((sum, s) => sum + s.totalSales, 0);
    const hours = slots.reduce((sum, s) => sum + s.totalExposureH, 0);
    if (sales <= 0 || hours <= 0) continue;
    for (const s of slots) {
      const p = bySku.get(s.sku) ?? { sales: 0, expected: 0 };
      p.sales += s.totalSales;
      p.expected += s.totalExposureH * (sales / hours);
      bySku.set(s.sku, p);
    }
  }
  const out = new Map<string, { relative: number; sales: number }>();
  for (const [sku, p] of bySku) if (p.sales > 0 && p.expected > 0) out.set(sku, { relative: p.sales / p.expected, sales: p.sales });
  return out;
}
