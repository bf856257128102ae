import { FORECAST_HORIZON_EVIDENCE } from '@shelfwatch/contracts';
import type { ReadingOf } from '@shelfwatch/contracts';
import { Cadence } from './cadence.js';
import type { ConditionLatch } from './condition-latch.js';
import type { RuleTuning } from './defaults.js';
import { fmtDuration, fmtTime, MIN } from './format.js';
import type { SlotForecast } from './forecast/sell-out-forecaster.js';
import type { SlotRef, StoreIndex } from './store-index.js';
import type { RuleDecision } from './types.js';

type SourceState = 'empty' | 'stocked' | 'unknown';
type Fused = 'sure_empty' | 'single_empty' | 'disagree' | 'stocked' | 'unknown';

export interface StockContext {
  index: StoreIndex;
  latch: ConditionLatch;
  tuning: RuleTuning;
  ref: SlotRef;
  /** Units of a SKU in the backroom, as of the rules' event time. */
  backroomUnits: (sku: string) => number;
  /** Whether the gateway reports a device offline. */
  offline: (deviceId: string) => boolean;
  /** Minutes staff need to restock before a forecast sell-out (see forecast/tuning.ts). */
  forecastLeadMin?: number;
}

/** A forecast of when the slot runs empty, computed only when asked (it costs more than a comparison). */
export type ForecastOf = (units: number) => SlotForecast;

/** A raised restock-soon warning: its deadline, its horizon and the units it started from. */
interface Soon {
  deadlineAt: number;
  horizonAt: number | null;
  units: number;
}

/** A forecast deadline moves the task only when it comes this much earlier (no rewording every minute). */
const DEADLINE_MOVE_MS = 10 * MIN;

/** A stable rise of at least this many units is a restock from the backroom (one unit back is a shopper changing their mind). */
export const MIN_RESTOCK_UNITS = 2;

/**
 * Stock of one slot, fusing the load cell (stable, fault-free readings only: a hand on the
 * shelf or settling product is marked unstable by the gateway) with the camera (confident
 * readings only: shoppers occlude it). A source speaks for the slot only while it is fresh
 * (heard within a few of its usual intervals, device online, no store outage): silence is never
 * read as "empty" or "stocked".
 *
 * Out of stock: both sources empty for `surePersistMin` (critical), or one empty while the other
 * cannot see for `stockPersistMin` (warning). It clears once the slot is seen stocked again: at
 * once when the scale weighs two units or more, otherwise after the stock has stayed for a hold
 * time (a unit lifted during a scan and put back ends the task, and one reading cannot).
 * One source empty while the other sees stock is a `verify_stock` task after `verifyPersistMin`.
 */
export class StockRule {
  units: number | null = null;
  grams: number | null = null;
  weightAt: number | null = null;
  weightFault: 'saturated' | 'stuck' | null = null;
  private weightFaultAt: number | null = null;
  private weightFaultFirstAt: number | null = null;
  private weightSeenAt: number | null = null;
  private readonly weightCadence = new Cadence();
  private stableUnits: number | null = null;
  camState: SourceState = 'unknown';
  camSku: string | null = null;
  camFacings: number | null = null;
  camGap: boolean | null = null;
  camAt: number | null = null;
  private camDevice: string | null = null;
  private readonly camCadence = new Cadence();
  private camGapRun = 0;
  lastReadingAt: number | null = null;
  private weightUsable = false;
  private cameraUsable = false;
  private emptySince: number | null = null;
  private sureSince: number | null = null;
  private stockedSince: number | null = null;
  private disagreeSince: number | null = null;
  private agreeSince: number | null = null;
  private aboveReorderSince: number | null = null;
  private atReorderSince: number | null = null;
  private lowAction: string | null = null;
  /** The forecast a restock-soon warning was raised with (its deadline and horizon stay put). */
  private soon: Soon | null = null;

  constructor(private readonly ctx: StockContext) {}

  /** Returns the units restocked from the backroom by this reading (0 when none). */
  applyWeight(r: ReadingOf<'shelf.weight'>): number {
    if (this.weightSeenAt !== null && r.ts < this.weightSeenAt) return 0;
    this.weightSeenAt = r.ts;
    this.weightCadence.push(r.ts);
    this.lastReadingAt = Math.max(this.lastReadingAt ?? r.ts, r.ts);
    if (r.fault !== null) {
      this.weightFault = r.fault;
      this.weightFaultFirstAt ??= r.ts;
      this.weightFaultAt = r.ts;
      return 0;
    }
    this.weightFault = null;
    if (!r.stable) return 0;
    this.units = r.units;
    this.grams = r.grams;
    this.weightAt = r.ts;
    const before = this.stableUnits;
    this.stableUnits = r.units;
    return before !== null && r.units - before >= MIN_RESTOCK_UNITS ? r.units - before : 0;
  }

  /** False for a reading too unsure to use. */
  applyCamera(r: ReadingOf<'camera.slot'>): boolean {
    if (this.camAt !== null && r.ts < this.camAt) return false;
    this.camCadence.push(r.ts);
    this.camDevice = r.deviceId;
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
    if (!this.weightUsable || this.units === null) return 'unknown';
    return this.units === 0 ? 'empty' : 'stocked';
  }

  cameraState(): SourceState {
    return this.cameraUsable ? this.camState : 'unknown';
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

  /** Units the camera's facings stand for (each facing a full lane), where the scale cannot be used. */
  cameraUnits(): number | null {
    if (this.cameraState() === 'unknown' || this.camFacings === null) return null;
    const { slot } = this.ctx.ref;
    return this.camState === 'empty' ? 0 : Math.round((Math.min(this.camFacings, slot.facings) * slot.capacity) / Math.max(1, slot.facings));
  }

  evaluate(now: number, outage: boolean, forecast?: ForecastOf): RuleDecision[] {
    this.judgeSources(now, outage);
    const { latch, index, ref, tuning: t } = this.ctx;
    const out: RuleDecision[] = [...this.faultDecisions(now)];
    const fused = this.fused();
    const empty = fused === 'sure_empty' || fused === 'single_empty';
    this.emptySince = empty ? (this.emptySince ?? now) : null;
    this.sureSince = fused === 'sure_empty' ? (this.sureSince ?? now) : null;
    this.stockedSince = fused === 'stocked' ? (this.stockedSince ?? now) : null;
    this.disagreeSince = fused === 'disagree' ? (this.disagreeSince ?? now) : null;
    this.agreeSince = fused !== 'disagree' && fused !== 'unknown' ? (this.agreeSince ?? now) : null;
    const key = ref.key;
    const oosActive = latch.isActive('out_of_stock', key);

    if (this.sureSince !== null && now - this.sureSince >= t.surePersistMin * MIN) {
      out.push(...this.assertOos(now, 'critical', 'The shelf scale and the camera both show the slot empty'));
    } else if (!oosActive && this.emptySince !== null && now - this.emptySince >= t.stockPersistMin * MIN) {
      const scaleSays = this.weightState() === 'empty';
      const who = scaleSays ? 'The shelf scale' : 'The camera';
      const other = fused === 'sure_empty' ? 'the other sensor now agrees' : scaleSays ? 'the camera cannot confirm (no clear view)' : 'the shelf scale cannot confirm';
      out.push(...this.assertOos(now, fused === 'sure_empty' ? 'critical' : 'warning', `${who} has shown the slot empty for ${fmtDuration(now - this.emptySince)}; ${other}`));
    } else if (this.disagreeSince !== null && now - this.disagreeSince >= t.verifyPersistMin * MIN) {
      out.push(...this.assertVerify(now));
      out.push(...latch.clear(now, index.storeId, 'out_of_stock', key, 'The sensors disagree: a verify task asks someone to look'));
    } else if (oosActive && this.restocked(now)) {
      out.push(...latch.clear(now, index.storeId, 'out_of_stock', key, `Product is back on the shelf (${this.describe()})`));
    }
    if (this.agreeSince !== null && now - this.agreeSince >= t.verifyClearHoldMin * MIN) {
      out.push(...latch.clear(now, index.storeId, 'verify_stock', key, `The shelf scale and the camera agree again (${this.describe()})`));
    }
    out.push(...this.lowStock(now, forecast));
    return out;
  }

  /** A source speaks for the slot only while it is fresh, its device online and the store not in an outage. */
  private judgeSources(now: number, outage: boolean): void {
    const { tuning: t, ref, offline } = this.ctx;
    const staleMs = t.sourceStaleMin * MIN;
    this.weightUsable =
      !outage && !offline(ref.shelf.boardId) && this.weightFault === null && this.weightSeenAt !== null && now - this.weightSeenAt <= this.weightCadence.patience(staleMs, 3);
    this.cameraUsable =
      !outage && this.camDevice !== null && !offline(this.camDevice) && this.camAt !== null && now - this.camAt <= this.camCadence.patience(staleMs, 3);
  }

  /**
   * Several units on the scale end an out of stock at once; one unit, or stock the camera alone
   * sees, must stay for a hold time (shorter when both sources agree).
   */
  private restocked(now: number): boolean {
    if (this.stockedSince === null) return false;
    const units = this.trustedUnits();
    if (units !== null && units >= Math.min(2, this.ctx.ref.slot.capacity)) return true;
    const both = this.weightState() === 'stocked' && this.cameraState() === 'stocked';
    const holdMin = both ? this.ctx.tuning.surePersistMin : this.ctx.tuning.stockPersistMin;
    return now - this.stockedSince >= holdMin * MIN;
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
    const { ref } = this.ctx;
    const units = this.trustedUnits() ?? 0;
    const backroom = this.ctx.backroomUnits(ref.slot.sku);
    const n = Math.min(ref.slot.capacity - units, backroom);
    return n > 0 ? `Restock from backroom: ${n} ${n === 1 ? 'unit' : 'units'}` : 'Backroom has none: restock when the supplier delivery arrives';
  }

  private assertOos(now: number, severity: 'critical' | 'warning', why: string): RuleDecision[] {
    const { latch, index, ref } = this.ctx;
    const out = latch.assert(now, {
      storeId: index.storeId, kind: 'out_of_stock', locationKey: ref.key, severity, location: index.slotLocation(ref),
      title: 'Out of stock', action: this.restockAction(),
      reason: `${why} (since ${fmtTime(this.emptySince ?? now)})`,
      evidence: this.evidence(now), products: index.slotProducts(ref),
    }, severity);
    if (out.length > 0) {
      out.push(...latch.clear(now, index.storeId, 'low_stock', ref.key, 'Superseded: the slot is now out of stock'));
      this.lowAction = null;
      this.soon = null;
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

  /**
   * Low stock raises once the scale has shown the reorder point for `lowStockPersistMin` (a
   * shopper holding a unit to read its label puts it back sooner). It clears at once with a
   * clear margin above it, or once the slot has stayed above it for a hold time: one unit above
   * is a real count (a stable reading), only its persistence needs proving.
   *
   * The same task is raised earlier, as "Restock before HH:MM", when the sell-out forecast is
   * sure enough that the slot may run empty within the lead time staff need and the backroom
   * has units to bring: one problem (this slot needs restocking), one task. It gives way to out
   * of stock if nobody acts, and ends with a restock or when the forecast recedes well beyond
   * the lead time (twice it: no flapping at the edge).
   */
  private lowStock(now: number, forecast?: ForecastOf): RuleDecision[] {
    const { latch, index, ref, tuning } = this.ctx;
    const units = this.trustedUnits();
    const oos = latch.isActive('out_of_stock', ref.key);
    const known = units ?? this.cameraUnits();
    const f = known !== null && known > 0 && forecast && !oos ? forecast(known) : null;
    const wasSoon = this.soon;
    // A slot reading empty is the warning come true (out of stock takes over once it has lasted),
    // and an unknown count is no evidence either way: a raised warning stands as it was said.
    const soon = known === null || known === 0 ? this.soon : this.judgeSoon(now, f);
    const rp = ref.slot.reorderPoint;
    const active = latch.isActive('low_stock', ref.key);
    let atReorder = false;
    if (units === null) {
      this.aboveReorderSince = null;
      this.atReorderSince = null;
    } else if (units <= rp) {
      this.aboveReorderSince = null;
      this.atReorderSince ??= now;
      atReorder = active || now - this.atReorderSince >= tuning.lowStockPersistMin * MIN;
    } else {
      this.atReorderSince = null;
      this.aboveReorderSince ??= now;
    }
    if (oos) return [];
    if (!atReorder && soon === null) {
      // Silence is no evidence: an open task waits for a trusted count.
      if (!active || units === null || this.aboveReorderSince === null) return [];
      if (wasSoon === null && units < rp + tuning.lowStockClearMarginUnits && now - this.aboveReorderSince < tuning.lowStockClearHoldMin * MIN) return [];
      this.lowAction = null;
      const why = wasSoon !== null && units <= wasSoon.units
        ? `Selling slower than forecast: ${units} units are no longer expected to run out within ${fmtDuration(2 * this.leadMs())}`
        : `Restocked: ${units} units on the shelf`;
      return latch.clear(now, index.storeId, 'low_stock', ref.key, why);
    }
    this.lowAction ??= this.restockAction();
    const evidence = this.evidence(now);
    let title = 'Low stock';
    let reason = `The shelf scale shows ${units} units, at or below the reorder point of ${rp} (capacity ${ref.slot.capacity})`;
    if (soon !== null) title = `Restock before ${fmtTime(soon.deadlineAt)}`;
    if (soon !== null && f !== null) {
      const pace = `${f.salesPerHour.toFixed(1)} sales per hour now (from ${Math.round(f.evidenceSales)} recent sales and the store's time-of-day pattern)`;
      reason = `At ${pace}, the ${known} ${known === 1 ? 'unit' : 'units'} left may be gone from ${fmtTime(soon.deadlineAt)}${soon.horizonAt !== null ? ` and almost surely by ${fmtTime(soon.horizonAt)}` : ''}`;
      if (atReorder) reason += `; the scale is at or below the reorder point of ${rp}`;
    }
    // The horizon the warning stands by: the forecast's, when it has enough sales behind it.
    const horizonAt = soon !== null ? soon.horizonAt : f?.confident ? f.horizonAt : null;
    if (horizonAt !== null) evidence.push({ ts: horizonAt, text: `${FORECAST_HORIZON_EVIDENCE} (${fmtTime(horizonAt)})` });
    return latch.assert(now, {
      storeId: index.storeId, kind: 'low_stock', locationKey: ref.key, severity: 'warning', location: index.slotLocation(ref),
      title, action: this.lowAction, reason, evidence, products: index.slotProducts(ref),
    });
  }

  private leadMs(): number {
    return (this.ctx.forecastLeadMin ?? 30) * MIN;
  }

  /**
   * Whether the forecast warns now: confident, stock left, the backroom able to fill the slot,
   * and the cautious empty time within the lead time. A raised warning holds until the forecast
   * recedes beyond twice the lead time; its deadline only ever moves earlier.
   */
  private judgeSoon(now: number, f: SlotForecast | null): Soon | null {
    const lead = this.leadMs();
    const backroom = this.ctx.backroomUnits(this.ctx.ref.slot.sku);
    const deadline = f !== null && f.confident ? f.deadlineAt : null;
    if (f === null || deadline === null || backroom <= 0 || (this.soon === null && deadline - now > lead) || deadline - now > 2 * lead) {
      this.soon = null;
    } else if (this.soon === null || deadline < this.soon.deadlineAt - DEADLINE_MOVE_MS) {
      this.soon = { deadlineAt: deadline, horizonAt: f.horizonAt, units: this.soon?.units ?? f.units };
    }
    return this.soon;
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
