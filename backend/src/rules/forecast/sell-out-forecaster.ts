import type { SlotRef, StoreIndex } from '../store-index.js';
import { DemandProfile, type OpeningHours } from './demand-profile.js';
import { SlotSales } from './slot-sales.js';
import type { UnitsSource } from './slot-sales.js';
import { meanRate, tradingHoursToEmpty } from './time-to-empty.js';
import type { ForecastTuning } from './tuning.js';

const MIN = 60_000;
const HOUR = 3_600_000;

/** What the forecast says about one slot at one event time. */
export interface SlotForecast {
  units: number;
  /** Expected sales per hour at the current hour of the day. */
  salesPerHour: number;
  /** Sales behind the rate (the slot's own, weighted, plus what it borrowed from its product). */
  evidenceSales: number;
  /** Whether there is enough evidence to warn anybody. */
  confident: boolean;
  /** Empty with probability `deadlineQuantile` (the cautious "restock before" time); null: not within the horizon. */
  deadlineAt: number | null;
  /** Empty with probability 1/2. */
  emptyAt: number | null;
  /** Empty with probability `horizonQuantile`. */
  horizonAt: number | null;
  /** Expected units on the shelf an hour from now (the dashboard's forecast against what then happens). */
  unitsInOneHour: number;
}

/**
 * Sell-out forecasts for a store's slots: each slot's sales rate (its own recent sales, leaning
 * on the same product's rate in its other slots while it has few), shaped by the store's
 * time-of-day pattern, turned into when the units left will be gone. Pure: event time only.
 */
export class SellOutForecaster {
  readonly profile: DemandProfile;
  private readonly sales = new Map<string, SlotSales>();
  private lastMinute: number | null = null;
  /** Event time the store has been open for since the first minute: the clock older sales fade on. */
  private openClock = 0;

  constructor(
    private readonly index: StoreIndex,
    private readonly tuning: ForecastTuning,
    hours?: OpeningHours,
  ) {
    this.profile = new DemandProfile(index.layout.store.timezone, tuning.profilePriorHours, hours);
    for (const ref of index.slots.values()) this.sales.set(ref.slot.id, new SlotSales(tuning.saleConfirmMin * MIN, tuning.halfLifeMin * MIN));
  }

  /** A trusted stock level of a slot (stable scale reading, or the camera's facings where the scale cannot be used). */
  observe(slotId: string, source: UnitsSource, ts: number, units: number): void {
    this.sales.get(slotId)?.observe(source, ts, units);
  }

  /**
   * One whole minute of event time: confirms sales, and counts the minute as trading time for
   * the slots that had stock while the store was open (`unitsOf` null: unknown, not counted either way).
   */
  minute(now: number, unitsOf: (slotId: string) => number | null): void {
    const dtH = this.lastMinute === null ? 0 : Math.min(now - this.lastMinute, 10 * MIN) / HOUR;
    if (this.lastMinute !== null && this.profile.hours.isOpen(now)) this.openClock += now - this.lastMinute;
    this.lastMinute = now;
    this.profile.observeMinute(now);
    const intensity = this.profile.intensityAt(now);
    for (const [slotId, s] of this.sales) {
      for (const sale of s.confirm(now, this.openClock)) this.profile.sale(sale.ts, sale.units);
      const units = unitsOf(slotId);
      if (units !== null && units > 0 && dtH > 0) s.addExposure(this.openClock, intensity * dtH);
    }
  }

  totalSales(slotId: string): number {
    return this.sales.get(slotId)?.totalSales ?? 0;
  }

  forecast(ref: SlotRef, now: number, units: number): SlotForecast {
    const own = this.sales.get(ref.slot.id)!;
    // The product's rate in its other slots, lent as a starting belief worth a few sales.
    let otherSales = 0;
    let otherH = 0;
    for (const o of this.index.slotsOfSku(ref.slot.sku)) {
      if (o.slot.id === ref.slot.id) continue;
      const s = this.sales.get(o.slot.id)!;
      otherSales += s.sales;
      otherH += s.exposureH;
    }
    const priorSales = otherH > 0 ? Math.min(this.tuning.priorMaxSales, otherSales) : 0;
    const priorH = priorSales > 0 ? priorSales / (otherSales / otherH) : 0;
    const belief = { shape: own.sales + priorSales, exposureH: own.exposureH + priorH };
    const t = this.tuning;
    const confident = belief.shape >= t.minEvidenceSales && own.sales > 0 && belief.exposureH > 0;
    const clock = (p: number): number | null => {
      const x = tradingHoursToEmpty(units, belief, p, t.maxHorizonH * 3);
      return x === null ? null : this.profile.clockAfter(now, x, t.maxHorizonH);
    };
    const rate = meanRate(belief);
    const nextHourTrading = this.profile.tradingHoursBetween(now, now + HOUR);
    return {
      units,
      salesPerHour: rate * this.profile.intensityAt(now),
      evidenceSales: belief.shape,
      confident,
      deadlineAt: units > 0 && belief.exposureH > 0 ? clock(t.deadlineQuantile) : null,
      emptyAt: units > 0 && belief.exposureH > 0 ? clock(0.5) : null,
      horizonAt: units > 0 && belief.exposureH > 0 ? clock(t.horizonQuantile) : null,
      unitsInOneHour: Math.max(0, units - rate * nextHourTrading),
    };
  }

  /**
   * Units of a product the store expects to sell from `now` until `until`: the pace of all its
   * slots together (each while it had stock) over the store's time-of-day pattern. Null while
   * that pace has fewer than `minEvidenceSales` sales behind it.
   */
  expectedSales(sku: string, now: number, until: number): number | null {
    let rate = 0;
    let evidence = 0;
    for (const o of this.index.slotsOfSku(sku)) {
      const s = this.sales.get(o.slot.id)!;
      if (s.exposureH <= 0) continue;
      rate += meanRate({ shape: s.sales, exposureH: s.exposureH });
      evidence += s.sales;
    }
    return evidence >= this.tuning.minEvidenceSales ? rate * this.profile.tradingHoursBetween(now, until) : null;
  }
}
