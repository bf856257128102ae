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
 * One camera observation about a slot, with hysteresis on both sides: a run starts at the
 * first scan showing it, survives a single scan that does not (a misread, an arm in the way),
 * and is over only after two scans in a row that do not show it. It lasts as long as scans
 * keep showing it: a camera that went quiet (offline, a power cut) has said nothing since its
 * last scan, so one misread just before an outage never becomes a task by the clock alone.
 * Once it has been raised it clears only after the slot has looked right for a hold time.
 */
class SeenRun {
  since: number | null = null;
  private lastShown: number | null = null;
  private lastScan: number | null = null;
  private contrary = 0;
  private rightSince: number | null = null;

  /** @param maxGapMs scans further apart than this do not make one run: the slot was not watched in between. */
  constructor(private readonly maxGapMs: number) {}

  see(ts: number, shows: boolean): void {
    if (this.lastScan !== null && ts - this.lastScan > this.maxGapMs) {
      this.since = this.lastShown = this.rightSince = null;
      this.contrary = 0;
    }
    this.lastScan = Math.max(ts, this.lastScan ?? ts);
    if (shows) {
      this.since ??= ts;
      this.lastShown = ts;
      this.contrary = 0;
      this.rightSince = null;
      return;
    }
    this.contrary += 1;
    this.rightSince ??= ts;
    if (this.contrary >= 2) this.since = this.lastShown = null;
  }

  /** Whether the camera has looked at the slot lately (within the longest gap one run may span). */
  watching(now: number): boolean {
    return this.lastScan !== null && now - this.lastScan <= this.maxGapMs;
  }

  /** What scans showed so far no longer counts: a run starts again at the next scan showing it. */
  end(): void {
    this.since = this.lastShown = null;
  }

  /** How long scans have kept showing it (null while they do not). */
  shownFor(): number | null {
    return this.since === null || this.lastShown === null ? null : this.lastShown - this.since;
  }

  /** How long the slot has looked right (null while it does not). */
  rightFor(now: number): number | null {
    return this.rightSince === null ? null : now - this.rightSince;
  }
}

/**
 * Planogram compliance of one slot: wrong product seen, fewer facings than planned (while
 * stock is there, so it is a setting problem rather than a sell-down), and shelf weight that
 * is not a whole number of the planned product's unit weight. One condition per slot, raised
 * after persistence and cleared only after the slot has looked right for `planogramClearHoldMin`.
 */
export class PlanogramRule {
  private readonly wrong: SeenRun;
  private wrongSku: string | null = null;
  private readonly few: SeenRun;
  private facingsSeen: number | null = null;
  /** How far each recent step missed a whole number of units beyond the packs' variation, in grams. */
  private residualsG: number[] = [];
  private weightMismatch = false;
  /** A stock rise in one go that is no whole number of the planned product. */
  private placement: { at: number; levelBefore: number; text: string } | null = null;
  private lastStableGrams: number | null = null;
  private candidateGrams: number | null = null;
  private seenAny = false;
  private raised = new Set<string>();

  constructor(private readonly ctx: PlanogramContext) {
    // A run must be watched throughout: scans at most half its persistence apart.
    this.wrong = new SeenRun((ctx.tuning.wrongProductPersistMin * MIN) / 2);
    this.few = new SeenRun((ctx.tuning.facingsPersistMin * MIN) / 2);
  }

  /** Only confident readings reach here. */
  applyCamera(r: ReadingOf<'camera.slot'>): void {
    const planned = this.ctx.ref.slot;
    this.seenAny = true;
    // An empty slot is a stock question: it shows neither a wrong product nor missing facings.
    const empty = r.gap || r.skuSeen === null;
    const wrong = !empty && r.skuSeen !== planned.sku;
    this.wrong.see(r.ts, wrong);
    if (wrong) this.wrongSku = r.skuSeen;
    if (!empty && !wrong) this.facingsSeen = r.facings;
    this.few.see(r.ts, !empty && !wrong && r.facings < planned.facings);
  }

  /**
   * Weight-per-unit check on the STEPS of the stable weight: a sale or a restock moves it
   * by a whole number of unit weights. Steps are free of the channel's tare offset, whereas
   * the absolute weight of many units drifts away from a whole number with any calibration
   * error. A step of n units of the planned product is n unit weights give or take what
   * physics allows, in grams: the packs' and the calibration's ±2 % per unit, plus the
   * scale's resolution on each of the two readings. What a step misses beyond that is
   * another product; a rise of several units in one go that does so is a wrong product
   * placed at once.
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
    if (previous !== null && Math.abs(r.grams - previous) <= unitG * 0.1) return;
    this.lastStableGrams = r.grams;
    if (previous === null) return;
    if (this.placement && r.grams <= this.placement.levelBefore + unitG / 2) this.placement = null;
    const step = r.grams - previous;
    const units = Math.abs(step) / unitG;
    // Under a quarter unit is drift or settling; a settled step that big is something.
    if (units < 0.25) return;
    const whole = Math.max(1, Math.round(units));
    const { calibrationTolerance, scaleResolutionG, weightResidualSamples } = this.ctx.tuning;
    const packSlackG = whole * unitG * calibrationTolerance;
    const readingSlackG = 2 * scaleResolutionG;
    // So many units that their allowed variation reaches half a unit: the step cannot tell.
    if (packSlackG + readingSlackG >= unitG / 2) return;
    const residualG = Math.max(0, Math.abs(Math.abs(step) - whole * unitG) - packSlackG);
    // Where a camera watches the slot it names the product; a rise there may be a wrong product
    // taken out and the right one put in at once, a net step that is no whole number of either.
    if (step > 0 && units >= 1.5 && residualG > readingSlackG && !this.placement && !this.wrong.watching(r.ts)) {
      this.placement = { at: r.ts, levelBefore: previous, text: this.describePlacement(step, r.ts) };
    }
    this.residualsG.push(residualG);
    if (this.residualsG.length > weightResidualSamples) this.residualsG.shift();
    if (this.residualsG.length < weightResidualSamples) return;
    const sorted = [...this.residualsG].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    if (median > readingSlackG) this.weightMismatch = true;
    else if (median < readingSlackG / 2) this.weightMismatch = false;
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
    const clearHold = tuning.planogramClearHoldMin * MIN;
    const holds = (id: string, run: SeenRun, persistMs: number) => {
      const on = (run.shownFor() ?? -1) >= persistMs;
      // Raised: it stays until the slot has looked right for the hold time.
      const stays = this.raised.has(id) && (run.rightFor(now) ?? 0) < clearHold;
      return on || stays;
    };
    if (holds('wrong', this.wrong, tuning.wrongProductPersistMin * MIN) && this.wrongSku !== null) {
      const seenName = index.productName(this.wrongSku);
      findings.push({
        id: 'wrong', severity: 'warning', title: 'Wrong product',
        action: `Move ${seenName} to its own place and fill this slot with ${plannedName} (${planned.facings} facings).`,
        text: `The camera has seen ${seenName} (${this.wrongSku}) here since ${fmtTime(this.wrong.since ?? now)}; the planogram says ${plannedName} (${planned.sku})`,
        ts: this.wrong.since ?? now,
      });
    }
    // Missing facings is a facing-up problem only when the scale shows stock to fill every facing
    // and more; a slot selling down shows fewer facings because it is running out (a stock task),
    // and without the scale the two cannot be told apart. Scans from such a time do not count
    // either: a restock bringing the stock back does not make them a facing-up problem.
    const stockThere = unitsByWeight !== null && unitsByWeight >= Math.max(planned.facings * 2, planned.reorderPoint + 1);
    if (!stockThere) this.few.end();
    else if (holds('facings', this.few, tuning.facingsPersistMin * MIN)) {
      findings.push({
        id: 'facings', severity: 'info', title: 'Missing facings',
        action: `Face up ${plannedName}: ${planned.facings} facings planned.`,
        text: `The camera has seen ${this.facingsSeen ?? 0} of ${planned.facings} planned facings for ${fmtDuration(now - (this.few.since ?? now))} while the slot holds stock`,
        ts: this.few.since ?? now,
      });
    }
    const placed = this.placement !== null && now - this.placement.at >= tuning.wrongProductPersistMin * MIN;
    if ((this.weightMismatch || placed) && ref.product) {
      findings.push({
        id: 'weight', severity: 'warning', title: 'Product weight does not match the plan',
        action: `Check that the slot holds ${plannedName} (${ref.product.unitWeightG} g each) and nothing else.`,
        text: placed && this.placement ? this.placement.text : `The shelf weight changes by other than whole ${plannedName} units (${ref.product.unitWeightG} g each) in the last ${this.residualsG.length} stock changes`,
        ts: placed && this.placement ? this.placement.at : now,
      });
    }
    this.raised = new Set(findings.map((f) => f.id));
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

  /** Names what a rise in one go looks like: k units of another product of the store, if one fits. */
  private describePlacement(step: number, ts: number): string {
    const { index, ref, tuning } = this.ctx;
    const planned = ref.product!;
    let best: { name: string; k: number; err: number } | null = null;
    for (const p of index.layout.products) {
      if (p.sku === planned.sku) continue;
      const k = Math.round(step / p.unitWeightG);
      if (k < 1) continue;
      const err = Math.abs(step - k * p.unitWeightG) / (k * p.unitWeightG);
      if (err <= tuning.calibrationTolerance && (best === null || err < best.err)) best = { name: p.name, k, err };
    }
    const like = best ? `: it looks like ${best.k} × ${best.name}` : '';
    return `At ${fmtTime(ts)} ${Math.round(step)} g were added in one go, which is no whole number of ${planned.name} (${planned.unitWeightG} g each)${like}`;
  }
}
