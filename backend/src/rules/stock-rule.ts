import type { ReadingOf } from '@shelfwatch/contracts';
import type { ConditionLatch } from './condition-latch.js';
import type { RuleTuning } from './defaults.js';
import { fmtDuration, fmtTime, MIN } from './format.js';
import type { SlotRef, StoreIndex } from './store-index.js';
import type { RuleDecision, StoreModel } from './types.js';

type SourceState = 'empty' | 'stocked' | 'unknown';
type Fused = 'sure_empty' | 'single_empty' | 'disagree' | 'stocked' | 'unknown';

export interface StockContext {
  index: StoreIndex;
  model: StoreModel;
  latch: ConditionLatch;
  tuning: RuleTuning;
  ref: SlotRef;
}

/**
 * Stock of one slot, fusing the load cell (stable, fault-free readings only: a hand on the
 * shelf or settling product is marked unstable by the gateway) with the camera (confident
 * readings only: shoppers occlude it). Both empty: out of stock at once. One empty with the
 * other silent or unsure: out of stock after it persists. One empty with the other seeing
 * stock: a verify task after it persists, never an alarm.
 */
export class StockRule {
  units: number | null = null;
  grams: number | null = null;
  weightAt: number | null = null;
  weightFault: 'saturated' | 'stuck' | null = null;
  private weightFaultAt: number | null = null;
  private weightFaultFirstAt: number | null = null;
  boardOnline = true;
  camState: SourceState = 'unknown';
  camSku: string | null = null;
  camFacings: number | null = null;
  camGap: boolean | null = null;
  camAt: number | null = null;
  private camGapRun = 0;
  cameraOnline = true;
  lastReadingAt: number | null = null;
  private singleSince: number | null = null;
  private disagreeSince: number | null = null;
  private lowAction: string | null = null;

  constructor(private readonly ctx: StockContext) {}

  applyWeight(r: ReadingOf<'shelf.weight'>): void {
    this.lastReadingAt = Math.max(this.lastReadingAt ?? r.ts, r.ts);
    if (r.fault !== null) {
      this.weightFault = r.fault;
      this.weightFaultFirstAt ??= r.ts;
      this.weightFaultAt = r.ts;
      return;
    }
    this.weightFault = null;
    if (!r.stable) return;
    if (this.weightAt !== null && r.ts < this.weightAt) return;
    this.units = r.units;
    this.grams = r.grams;
    this.weightAt = r.ts;
  }

  applyCamera(r: ReadingOf<'camera.slot'>): boolean {
    this.lastReadingAt = Math.max(this.lastReadingAt ?? r.ts, r.ts);
    const t = this.ctx.tuning;
    if (r.confidence < t.cameraMinConfidence) return false;
    this.camAt = r.ts;
    this.camSku = r.skuSeen;
    this.camFacings = r.facings;
    this.camGap = r.gap;
    if (r.gap || r.facings === 0) {
      this.camGapRun += 1;
      // One misread gap (a shopper's arm, a shadow) must not empty a slot.
      if (r.confidence >= t.cameraSureConfidence || this.camGapRun >= 2) this.camState = 'empty';
    } else {
      this.camGapRun = 0;
      this.camState = 'stocked';
    }
    return true;
  }

  weightState(): SourceState {
    if (!this.boardOnline || this.weightFault !== null || this.units === null) return 'unknown';
    return this.units === 0 ? 'empty' : 'stocked';
  }

  cameraState(): SourceState {
    return this.cameraOnline ? this.camState : 'unknown';
  }

  /** Units usable for stock decisions (null when the scale cannot be trusted). */
  trustedUnits(): number | null {
    return this.weightState() === 'unknown' ? null : this.units;
  }

  fused(): Fused {
    const w = this.weightState();
    const c = this.cameraState();
    if (w === 'empty' && c === 'empty') return 'sure_empty';
    if ((w === 'empty' && c === 'unknown') || (c === 'empty' && w === 'unknown')) return 'single_empty';
    if ((w === 'empty' && c === 'stocked') || (c === 'empty' && w === 'stocked')) return 'disagree';
    if (w === 'stocked' || c === 'stocked') return 'stocked';
    return 'unknown';
  }

  evaluate(now: number): RuleDecision[] {
    const { latch, index, ref } = this.ctx;
    const out: RuleDecision[] = [...this.faultDecisions(now)];
    const fused = this.fused();
    this.singleSince = fused === 'single_empty' ? (this.singleSince ?? now) : null;
    this.disagreeSince = fused === 'disagree' ? (this.disagreeSince ?? now) : null;
    const key = ref.key;
    const persistMs = this.ctx.tuning.stockPersistMin * MIN;
    const oosActive = latch.isActive('out_of_stock', key);

    if (fused === 'sure_empty') {
      out.push(...this.assertOos(now, 'critical', 'The shelf scale and the camera both show the slot empty'));
    } else if (fused === 'single_empty' && !oosActive && now - (this.singleSince ?? now) >= persistMs) {
      const who = this.weightState() === 'empty' ? 'The shelf scale' : 'The camera';
      const other = this.weightState() === 'empty' ? 'the camera cannot confirm (no clear view)' : 'the shelf scale cannot confirm';
      out.push(...this.assertOos(now, 'warning', `${who} has shown the slot empty for ${fmtDuration(now - (this.singleSince ?? now))}; ${other}`));
    } else if (fused === 'disagree' && now - (this.disagreeSince ?? now) >= this.ctx.tuning.verifyPersistMin * MIN) {
      out.push(...this.assertVerify(now));
      out.push(...latch.clear(now, index.storeId, 'out_of_stock', key, 'The sensors disagree: a verify task asks someone to look'));
    } else if (fused === 'stocked' && oosActive && this.restocked()) {
      out.push(...latch.clear(now, index.storeId, 'out_of_stock', key, `Product is back on the shelf (${this.describe()})`));
    }
    if (fused !== 'disagree') {
      out.push(...latch.clear(now, index.storeId, 'verify_stock', key, `The shelf scale and the camera agree again (${this.describe()})`));
    }
    out.push(...this.lowStock(now));
    return out;
  }

  private restocked(): boolean {
    const units = this.trustedUnits();
    // Hysteresis: a scale hovering between 0 and 1 unit must not clear and re-raise.
    if (units !== null) return units >= Math.min(2, this.ctx.ref.slot.capacity);
    return this.cameraState() === 'stocked';
  }

  private describe(): string {
    const parts: string[] = [];
    if (this.trustedUnits() !== null) parts.push(`scale: ${this.units} units`);
    if (this.cameraState() !== 'unknown') parts.push(`camera: ${this.camGap ? 'gap' : `${this.camFacings} facings`}`);
    return parts.join(', ') || 'no data';
  }

  private evidence(now: number): { ts: number; text: string }[] {
    const ev: { ts: number; text: string }[] = [];
    if (this.weightAt !== null && this.trustedUnits() !== null) ev.push({ ts: this.weightAt, text: `Shelf scale: ${this.units} units (${Math.round(this.grams ?? 0)} g), stable` });
    if (this.camAt !== null && this.cameraState() !== 'unknown') {
      ev.push({ ts: this.camAt, text: `Camera: ${this.camGap ? 'gap' : `${this.camFacings} facings of ${this.camSku ?? 'unknown product'}`}` });
    }
    if (ev.length === 0) ev.push({ ts: now, text: 'No trusted reading' });
    return ev;
  }

  private restockAction(): string {
    const { model, ref } = this.ctx;
    const units = this.trustedUnits() ?? 0;
    const backroom = model.backroomUnits(ref.slot.sku);
    const n = Math.min(ref.slot.capacity - units, backroom);
    return n > 0 ? `Restock from backroom: ${n} ${n === 1 ? 'unit' : 'units'}` : 'Backroom has none: restock when the supplier delivery arrives';
  }

  private assertOos(now: number, severity: 'critical' | 'warning', why: string): RuleDecision[] {
    const { latch, index, ref } = this.ctx;
    const out = latch.assert(now, {
      storeId: index.storeId, kind: 'out_of_stock', locationKey: ref.key, severity, location: index.slotLocation(ref),
      title: 'Out of stock', action: this.restockAction(),
      reason: `${why} (since ${fmtTime(this.singleSince ?? now)})`,
      evidence: this.evidence(now), products: index.slotProducts(ref),
    }, severity);
    if (out.length > 0) {
      out.push(...latch.clear(now, index.storeId, 'low_stock', ref.key, 'Superseded: the slot is now out of stock'));
      this.lowAction = null;
    }
    return out;
  }

  private assertVerify(now: number): RuleDecision[] {
    const { latch, index, ref } = this.ctx;
    const scaleEmpty = this.weightState() === 'empty';
    return latch.assert(now, {
      storeId: index.storeId, kind: 'verify_stock', locationKey: ref.key, severity: 'info', location: index.slotLocation(ref),
      title: 'Check slot: sensors disagree',
      action: 'Look at the slot: if product is there, face it up; if it is empty, restock it.',
      reason: `${scaleEmpty ? 'The shelf scale reads empty but the camera sees product' : 'The camera sees a gap but the shelf scale still weighs product'} since ${fmtTime(this.disagreeSince ?? now)}`,
      evidence: this.evidence(now), products: index.slotProducts(ref),
    });
  }

  private lowStock(now: number): RuleDecision[] {
    const { latch, index, ref, tuning } = this.ctx;
    const units = this.trustedUnits();
    if (units === null) return [];
    const rp = ref.slot.reorderPoint;
    if (units >= rp + tuning.lowStockClearMarginUnits || units > rp && !latch.isActive('low_stock', ref.key)) {
      this.lowAction = null;
      return latch.clear(now, index.storeId, 'low_stock', ref.key, `Restocked: ${units} units on the shelf`);
    }
    if (units > rp || latch.isActive('out_of_stock', ref.key)) return [];
    this.lowAction ??= this.restockAction();
    return latch.assert(now, {
      storeId: index.storeId, kind: 'low_stock', locationKey: ref.key, severity: 'warning', location: index.slotLocation(ref),
      title: 'Low stock', action: this.lowAction,
      reason: `The shelf scale shows ${units} units, at or below the reorder point of ${rp} (capacity ${ref.slot.capacity})`,
      evidence: this.evidence(now), products: index.slotProducts(ref),
    });
  }

  private faultDecisions(now: number): RuleDecision[] {
    const { latch, index, ref, tuning } = this.ctx;
    const key = `weight:${ref.slot.id}`;
    if (this.weightFault === null) {
      if (this.weightFaultAt === null || now - this.weightFaultAt < tuning.sensorClearHoldMin * MIN) return [];
      this.weightFaultAt = null;
      this.weightFaultFirstAt = null;
      return latch.clear(now, index.storeId, 'sensor_fault', key, 'The shelf scale reads normally again');
    }
    const what = this.weightFault === 'saturated' ? 'is overloaded (reading at its maximum)' : 'is stuck (the same raw value for too long)';
    return latch.assert(now, {
      storeId: index.storeId, kind: 'sensor_fault', locationKey: key, severity: 'warning',
      location: { ...index.slotLocation(ref), label: `Shelf scale under ${index.slotLabel(ref)}` },
      title: 'Shelf scale fault',
      action: 'Check the slot: nothing leaning on or jammed under the shelf, not overloaded; call maintenance to recalibrate if it persists.',
      reason: `The load cell of this slot ${what} since ${fmtTime(this.weightFaultFirstAt ?? now)}. Stock is judged by the camera alone meanwhile.`,
      evidence: [{ ts: this.weightFaultFirstAt ?? now, text: `Load cell fault: ${this.weightFault}` }],
      products: index.slotProducts(ref),
    }, this.weightFault);
  }
}
