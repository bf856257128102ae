import type { CameraSlotObservation } from '@shelfwatch/contracts';
import type { Rng } from './rng.js';

export interface CameraErrorRates {
  /** Per slot per scan: the recogniser names another SKU. */
  wrongSkuRate: number;
  /** Per slot per scan, when the slot is empty: the gap is not seen. */
  missedGapRate: number;
  /** Per slot per scan: a shopper blocks the view (low confidence, facings unreliable). */
  occlusionRate: number;
}

/** What is truly at the front of a slot. */
export interface SlotView {
  slotId: string;
  /** The SKU at the front: the misplaced one if any is there, else the planned one, else null (empty). */
  frontSku: string | null;
  facingsVisible: number;
}

/**
 * One slot as the on-camera recogniser reports it. Errors are drawn per observation, so
 * a wrong reading is a glitch, not a state; the confidence is what a careful consumer
 * should weigh.
 */
export function observeSlot(view: SlotView, rates: CameraErrorRates, otherSkus: readonly string[], rng: Rng): CameraSlotObservation {
  const empty = view.frontSku === null || view.facingsVisible === 0;
  if (rng.chance(rates.occlusionRate)) {
    return {
      slotId: view.slotId,
      sku: rng.chance(0.5) ? view.frontSku : null,
      facings: Math.max(0, view.facingsVisible - rng.int(0, 2)),
      gap: false,
      confidence: round2(rng.uniform(0.1, 0.4)),
    };
  }
  if (empty) {
    if (rng.chance(rates.missedGapRate)) {
      return { slotId: view.slotId, sku: otherSkus.length > 0 ? rng.pick(otherSkus) : null, facings: 1, gap: false, confidence: round2(rng.uniform(0.5, 0.8)) };
    }
    return { slotId: view.slotId, sku: null, facings: 0, gap: true, confidence: round2(rng.uniform(0.85, 0.99)) };
  }
  const wrong = otherSkus.length > 0 && rng.chance(rates.wrongSkuRate);
  return {
    slotId: view.slotId,
    sku: wrong ? rng.pick(otherSkus) : view.frontSku,
    facings: view.facingsVisible,
    gap: false,
    confidence: round2(wrong ? rng.uniform(0.55, 0.85) : rng.uniform(0.85, 0.99)),
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
