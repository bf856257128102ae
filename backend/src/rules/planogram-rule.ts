import type { ReadingOf, TaskSeverity } from '@shelfwatch/contracts';
import type { ConditionLatch } from './condition-latch.js';
import type { RuleTuning } from './defaults.js';
import { fmtDuration, fmtTime, MIN } from './format.js';
import type { SlotRef, StoreIndex } from './store-index.js';
import type { RuleDecision } from './types.js';

export interface PlanogramContext {
  index: StoreIndex;
  latch: ConditionLatch;
  tuning: RuleTuning;
  ref: SlotRef;
}

interface Finding {
  id: string;
  severity: TaskSeverity;
  title: string;
  action: string;
  text: string;
  ts: number;
}

/**
 * Planogram compliance of one slot: wrong product seen, fewer facings than planned (while
 * stock is there, so it is a setting problem rather than a sell-down), and shelf weight that
 * is not a whole number of the planned product's unit weight. One condition per slot.
 */
export class PlanogramRule {
  private wrongSince: number | null = null;
  private wrongSku: string | null = null;
  private fewSince: number | null = null;
  private facingsSeen: number | null = null;
  private residuals: number[] = [];
  private weightMismatch = false;
  private lastStableGrams: number | null = null;
  private candidateGrams: number | null = null;
  private seenAny = false;

  constructor(private readonly ctx: PlanogramContext) {}

  /** Only confident readings reach here. */
  applyCamera(r: ReadingOf<'camera.slot'>): void {
    const planned = this.ctx.ref.slot;
    this.seenAny = true;
    if (r.gap || r.skuSeen === null) {
      // An empty slot is a stock question, not a planogram one.
      this.wrongSince = null;
      this.fewSince = null;
      return;
    }
    if (r.skuSeen !== planned.sku) {
      if (this.wrongSku !== r.skuSeen) this.wrongSince = r.ts;
      this.wrongSku = r.skuSeen;
      this.wrongSince ??= r.ts;
      this.fewSince = null;
      return;
    }
    this.wrongSince = null;
    this.wrongSku = null;
    this.facingsSeen = r.facings;
    if (r.facings < planned.facings) this.fewSince ??= r.ts;
    else this.fewSince = null;
  }

  /**
   * Weight-per-unit check on the STEPS of the stable weight: a sale or a restock moves it
   * by a whole number of unit weights. Steps are free of the channel's tare offset and only
   * as wrong as its scale (about ±2 %), whereas the absolute weight of many units drifts
   * away from a whole number with any calibration error.
   */
  applyWeight(r: ReadingOf<'shelf.weight'>): void {
    const unitG = this.ctx.ref.product?.unitWeightG;
    if (!r.stable || r.fault !== null || unitG === undefined) return;
    // A shopper leaning on the shelf for longer than the gateway's settle window yields a
    // "stable" level that is gone a minute later; a level counts once the next stable
    // reading agrees with it.
    const candidate = this.candidateGrams;
    this.candidateGrams = r.grams;
    if (candidate === null || Math.abs(r.grams - candidate) > unitG * 0.1) return;
    const previous = this.lastStableGrams;
    this.lastStableGrams = r.grams;
    if (previous === null) return;
    const units = Math.abs(r.grams - previous) / unitG;
    // Under a quarter unit is drift or settling; a settled step that big is something.
    if (units < 0.25) return;
    const whole = Math.max(1, Math.round(units));
    const { calibrationTolerance, weightResidualLimit, weightResidualSamples } = this.ctx.tuning;
    const slack = whole * calibrationTolerance;
    if (slack + weightResidualLimit >= 0.5) return;
    this.residuals.push(Math.max(0, Math.abs(units - whole) - slack));
    if (this.residuals.length > weightResidualSamples) this.residuals.shift();
    if (this.residuals.length < weightResidualSamples) return;
    const sorted = [...this.residuals].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    if (median > weightResidualLimit) this.weightMismatch = true;
    else if (median < weightResidualLimit / 2) this.weightMismatch = false;
  }

  /** True/false once the camera has looked; null before. */
  compliant(): boolean | null {
    if (this.ctx.latch.isActive('planogram_violation', this.ctx.ref.key)) return false;
    return this.seenAny ? true : null;
  }

  evaluate(now: number, unitsByWeight: number | null): RuleDecision[] {
    const { index, latch, ref, tuning } = this.ctx;
    const planned = ref.slot;
    const plannedName = index.productName(planned.sku);
    const findings: Finding[] = [];
    if (this.wrongSince !== null && this.wrongSku !== null && now - this.wrongSince >= tuning.wrongProductPersistMin * MIN) {
      const seenName = index.productName(this.wrongSku);
      findings.push({
        id: 'wrong', severity: 'warning', title: 'Wrong product',
        action: `Move ${seenName} to its own place and fill this slot with ${plannedName} (${planned.facings} facings).`,
        text: `The camera has seen ${seenName} (${this.wrongSku}) here since ${fmtTime(this.wrongSince)}; the planogram says ${plannedName} (${planned.sku})`,
        ts: this.wrongSince,
      });
    }
    // Missing facings is a facing-up problem only when there is stock to fill every facing
    // and more; a slot selling down shows fewer facings because it is running out (a stock task).
    const stockThere = unitsByWeight === null || unitsByWeight >= Math.max(planned.facings * 2, planned.reorderPoint + 1);
    if (this.fewSince !== null && stockThere && now - this.fewSince >= tuning.facingsPersistMin * MIN) {
      findings.push({
        id: 'facings', severity: 'info', title: 'Missing facings',
        action: `Face up ${plannedName}: ${planned.facings} facings planned.`,
        text: `The camera has seen ${this.facingsSeen ?? 0} of ${planned.facings} planned facings for ${fmtDuration(now - this.fewSince)} while the slot holds stock`,
        ts: this.fewSince,
      });
    }
    if (this.weightMismatch && ref.product) {
      findings.push({
        id: 'weight', severity: 'warning', title: 'Product weight does not match the plan',
        action: `Check that the slot holds ${plannedName} (${ref.product.unitWeightG} g each) and nothing else.`,
        text: `The shelf weight changes by other than whole ${plannedName} units (${ref.product.unitWeightG} g each) in the last ${this.residuals.length} stock changes`,
        ts: now,
      });
    }
    if (findings.length === 0) {
      return latch.clear(now, index.storeId, 'planogram_violation', ref.key, 'The slot matches the planogram again');
    }
    const order = ['wrong', 'weight', 'facings'];
    findings.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    const first = findings[0]!;
    const severity: TaskSeverity = findings.some((f) => f.severity === 'warning') ? 'warning' : 'info';
    return latch.assert(now, {
      storeId: index.storeId, kind: 'planogram_violation', locationKey: ref.key, severity, location: index.slotLocation(ref),
      title: first.title, action: first.action, reason: findings.map((f) => f.text).join('. '),
      evidence: findings.map((f) => ({ ts: f.ts, text: f.text })), products: index.slotProducts(ref),
    }, findings.map((f) => f.id).join(','));
  }
}
