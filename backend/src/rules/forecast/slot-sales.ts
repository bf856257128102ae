/**
 * The sales of one slot, from confirmed steps down of its stock: a stable weight reading a
 * whole unit lower, or (where the scale cannot be used) a confident camera scan showing fewer
 * facings. A step down is a sale only once it has held for `confirmMs`: a shopper who lifts a
 * unit to read its label puts it back sooner, and the rise that follows cancels it.
 *
 * The rate is a belief: recent sales (older ones fade with a half-life) over the trading hours
 * the slot had stock to sell. They fade on the store's open-hours clock (`fadeAt`, event time
 * while the store is open): a closed night makes yesterday evening's pace no staler.
 */
import { z } from 'zod';

export type UnitsSource = 'weight' | 'camera';

/** What a slot has learnt, as kept across restarts (see learning.ts). */
export const slotStateSchema = z.object({
  sku: z.string(),
  sales: z.number().nonnegative(),
  exposureH: z.number().nonnegative(),
  totalSales: z.number().nonnegative(),
  totalExposureH: z.number().nonnegative(),
  decayedAt: z.number().nullable(),
});
export type SlotState = z.infer<typeof slotStateSchema>;

interface Pending {
  ts: number;
  units: number;
}

export class SlotSales {
  private lastUnits: number | null = null;
  private lastSource: UnitsSource | null = null;
  private pending: Pending[] = [];
  /** Weighted sales and trading hours behind the rate. */
  sales = 0;
  exposureH = 0;
  /** Every confirmed sale, unweighted (what the shelf view and the reason quote). */
  totalSales = 0;
  /** Every trading hour with stock, unweighted (the slot's long-run pace, lent to other stores). */
  totalExposureH = 0;
  private decayedAt: number | null = null;

  constructor(
    private readonly confirmMs: number,
    private readonly halfLifeMs: number,
  ) {}

  /** A trusted stock level of the slot from one source; a change of source starts over (the two count differently). */
  observe(source: UnitsSource, ts: number, units: number): void {
    if (this.lastSource !== source) {
      this.lastSource = source;
      this.lastUnits = units;
      return;
    }
    const before = this.lastUnits ?? units;
    this.lastUnits = units;
    if (units < before) {
      this.pending.push({ ts, units: before - units });
      return;
    }
    // Units coming back cancel the latest unconfirmed steps down: they were never sold.
    let back = units - before;
    while (back > 0 && this.pending.length > 0) {
      const last = this.pending[this.pending.length - 1]!;
      const take = Math.min(back, last.units);
      last.units -= take;
      back -= take;
      if (last.units === 0) this.pending.pop();
    }
  }

  /**
   * Confirms the steps that have held; returns them (event time of the step, units) for the
   * store's pattern. With `learn` false they are only settled: what was learnt is already in a
   * restored state.
   */
  confirm(now: number, fadeAt: number = now, learn = true): Pending[] {
    const done: Pending[] = [];
    while (this.pending.length > 0 && now - this.pending[0]!.ts >= this.confirmMs) {
      const p = this.pending.shift()!;
      if (!learn) continue;
      this.decayTo(fadeAt);
      this.sales += p.units;
      this.totalSales += p.units;
      done.push(p);
    }
    return done;
  }

  /** `hours` of trading at the store's intensity passed while the slot had stock to sell. */
  addExposure(fadeAt: number, tradingHours: number): void {
    this.decayTo(fadeAt);
    this.exposureH += tradingHours;
    this.totalExposureH += tradingHours;
  }

  state(sku: string): SlotState {
    const { sales, exposureH, totalSales, totalExposureH, decayedAt } = this;
    return { sku, sales, exposureH, totalSales, totalExposureH, decayedAt };
  }

  restore(s: SlotState): void {
    ({ sales: this.sales, exposureH: this.exposureH, totalSales: this.totalSales, totalExposureH: this.totalExposureH, decayedAt: this.decayedAt } = s);
  }

  private decayTo(now: number): void {
    if (this.decayedAt !== null && now > this.decayedAt) {
      const f = Math.pow(0.5, (now - this.decayedAt) / this.halfLifeMs);
      this.sales *= f;
      this.exposureH *= f;
    }
    this.decayedAt = Math.max(this.decayedAt ?? now, now);
  }
}
