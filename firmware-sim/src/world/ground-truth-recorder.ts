import type { SlotSim } from './entities.js';
import { IntervalTracker, minutesBetween, type GroundTruthEvent, type GroundTruthSink, type MisplacedCause, type StockCause } from './ground-truth.js';

type FaultInfo = { fault: string; target: string; detail: Record<string, unknown> };

/**
 * Writes the ground truth: point records as they happen, intervals (out of stock, product
 * at risk, faults, ...) once they close or when the run ends. The world says what is true;
 * this decides how it is recorded, so the record format lives in one place.
 */
export class GroundTruthRecorder {
  private readonly oos: IntervalTracker<{ slotId: string; sku: string }>;
  private readonly low: IntervalTracker<{ slotId: string; sku: string; reorderPoint: number }>;
  private readonly risk: IntervalTracker<{ caseId: string; category: 'chilled' | 'frozen'; limitC: number; peakC: number }>;
  private readonly planogram: IntervalTracker<{ slotId: string; violation: 'wrong_product' | 'missing_facings'; expectedSku: string; foundSku: string | null }>;
  private readonly faults: IntervalTracker<FaultInfo>;
  private readonly defrosts: IntervalTracker<{ caseId: string }>;
  private readonly doors: IntervalTracker<{ caseId: string; ajar: boolean }>;
  private readonly shoppers: IntervalTracker<{ slotId: string; action: 'lift' | 'lean'; grams: number }>;
  private readonly pushedBack: IntervalTracker<{ slotId: string; sku: string }>;
  private readonly coverage: IntervalTracker<{ cameraId: string; slotId: string }>;
  private readonly doorRushes: IntervalTracker<{ caseId: string; openingsPerHour: number }>;
  /** Closed at the end of a run in this order (each by key), so the file is the same for the same run. */
  private readonly all: { closeAll(at: number): void }[];

  constructor(private readonly sink: GroundTruthSink) {
    const span = (s: number, e: number, open: boolean) => ({ startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open });
    this.oos = new IntervalTracker((_k, s, e, i, open) => this.emit({ type: 'out_of_stock', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }));
    this.low = new IntervalTracker((_k, s, e, i, open) => this.emit({ type: 'low_stock', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }));
    this.risk = new IntervalTracker((_k, s, e, i, open) =>
      this.emit({ type: 'product_at_risk', ts: e, ...i, peakC: round2(i.peakC), startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }),
    );
    this.planogram = new IntervalTracker((_k, s, e, i, open) =>
      this.emit({ type: 'planogram_violation', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }),
    );
    this.faults = new IntervalTracker((_k, s, e, i, open) => this.emit({ type: 'fault', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }));
    this.defrosts = new IntervalTracker((_k, s, e, i, open) => this.emit({ type: 'defrost', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }));
    this.doors = new IntervalTracker((_k, s, e, i, open) =>
      this.emit({ type: 'door_open', ts: e, ...i, startMs: s, endMs: e, seconds: Math.round((e - s) / 100) / 10, openAtEnd: open }),
    );
    this.shoppers = new IntervalTracker((_k, s, e, i, open) =>
      this.emit({ type: 'shopper_action', ts: e, ...i, grams: round2(i.grams), startMs: s, endMs: e, seconds: Math.round((e - s) / 100) / 10, openAtEnd: open }),
    );
    this.pushedBack = new IntervalTracker((_k, s, e, i, open) => this.emit({ type: 'pushed_back', ts: e, ...i, ...span(s, e, open) }));
    this.coverage = new IntervalTracker((_k, s, e, i, open) => this.emit({ type: 'camera_coverage', ts: e, ...i, ...span(s, e, open) }));
    this.doorRushes = new IntervalTracker((_k, s, e, i, open) => this.emit({ type: 'door_rush', ts: e, ...i, ...span(s, e, open) }));
    this.all = [this.oos, this.low, this.risk, this.planogram, this.faults, this.defrosts, this.doors, this.shoppers, this.pushedBack, this.coverage, this.doorRushes];
  }

  emit(e: GroundTruthEvent): void {
    this.sink(e);
  }

  stock(s: SlotSim, atMs: number, cause: StockCause): void {
    this.emit({ type: 'stock', ts: atMs, slotId: s.slot.id, sku: s.slot.sku, units: s.units, cause });
  }

  misplacedStock(s: SlotSim, atMs: number, sku: string, units: number, cause: MisplacedCause): void {
    this.emit({ type: 'misplaced_stock', ts: atMs, slotId: s.slot.id, sku, units, cause });
  }

  /** Re-evaluates every slot condition (stock levels, planogram, front of the shelf) at atMs. */
  slot(s: SlotSim, atMs: number): void {
    const id = s.slot.id;
    const sku = s.slot.sku;
    this.oos.set(id, s.units === 0, atMs, () => ({ slotId: id, sku }));
    this.low.set(id, s.units <= s.slot.reorderPoint, atMs, () => ({ slotId: id, sku, reorderPoint: s.slot.reorderPoint }));
    const misplaced = s.misplaced;
    this.planogram.set(`${id}:wrong_product`, misplaced !== null, atMs, () => ({
      slotId: id,
      violation: 'wrong_product',
      expectedSku: sku,
      foundSku: misplaced?.sku ?? null,
    }));
    this.planogram.set(`${id}:missing_facings`, s.facingsActual < s.slot.facings, atMs, () => ({
      slotId: id,
      violation: 'missing_facings',
      expectedSku: sku,
      foundSku: sku,
    }));
    this.pushedBack.set(id, s.pushedBack > 0 && s.units > 0, atMs, () => ({ slotId: id, sku }));
  }

  productTemperature(caseId: string, category: 'chilled' | 'frozen', limitC: number, productC: number, atMs: number): void {
    this.risk.set(
      caseId,
      productC > limitC,
      atMs,
      () => ({ caseId, category, limitC, peakC: productC }),
      (info) => ({ ...info, peakC: Math.max(info.peakC, productC) }),
    );
  }

  defrost(caseId: string, active: boolean, atMs: number): void {
    this.defrosts.set(caseId, active, atMs, () => ({ caseId }));
  }

  door(caseId: string, open: boolean, atMs: number, ajar: boolean): void {
    this.doors.set(caseId, open, atMs, () => ({ caseId, ajar }));
  }

  fault(key: string, active: boolean, atMs: number, info: FaultInfo): void {
    this.faults.set(key, active, atMs, () => info);
  }

  shopper(key: string, active: boolean, atMs: number, info: { slotId: string; action: 'lift' | 'lean'; grams: number }): void {
    this.shoppers.set(key, active, atMs, () => info);
  }

  cameraCoverage(cameraId: string, slotId: string, hidden: boolean, atMs: number): void {
    this.coverage.set(`${cameraId}:${slotId}`, hidden, atMs, () => ({ cameraId, slotId }));
  }

  doorRush(key: string, active: boolean, atMs: number, info: { caseId: string; openingsPerHour: number }): void {
    this.doorRushes.set(key, active, atMs, () => info);
  }

  /** Closes every open interval at atMs (marked openAtEnd) and writes the last line. */
  finish(atMs: number, summary: { simulatedS: number; unitsSold: number; lostSales: number }): void {
    for (const t of this.all) t.closeAll(atMs);
    this.emit({ type: 'run_end', ts: atMs, ...summary });
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
