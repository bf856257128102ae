import type { SlotRef, StoreIndex } from '../store-index.js';
import { DemandProfile, type OpeningHours } from './demand-profile.js';
import type { ChainPace, StoreLearning } from './learning.js';
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
 * on the same product's rate in its other slots, then in other stores, while it has few), shaped
 * by the store's time-of-day and day-of-week pattern, turned into when the units left will be
 * gone. Pure: event time only.
 */
export class SellOutForecaster {
  readonly profile: DemandProfile;
  private readonly sales = new Map<string, SlotSales>();
  private lastMinute: number | null = null;
  /** Minutes before this were learnt by a restored state: replaying them only settles the slots. */
  private learnFrom = -Infinity;
  private snapshot: StoreLearning | null = null;
  /** Event time the store has been open for: the clock older sales fade on. */
  private openClock = 0;

  constructor(
    private readonly index: StoreIndex,
    private readonly tuning: ForecastTuning,
    private readonly chain: ChainPace = new Map(),
    hours?: OpeningHours,
  ) {
    this.profile = new DemandProfile(
      index.layout.store.timezone,
      { hourPriorHours: tuning.profilePriorHours, weekdayPriorDays: tuning.weekdayPriorDays },
      hours,
    );
    for (const ref of index.slots.values()) this.sales.set(ref.slot.id, new SlotSales(tuning.saleConfirmMin * MIN, tuning.halfLifeMin * MIN));
  }

  /**
   * Starts from what was learnt up to `learnt.asOf` (before the readings after it are replayed).
   * A slot that now holds another product, or is new, starts afresh.
   */
  restore(learnt: StoreLearning): void {
    this.profile.restore(learnt.profile);
    for (const [slotId, state] of Object.entries(learnt.slots)) {
      if (this.index.slots.get(slotId)?.slot.sku === state.sku) this.sales.get(slotId)?.restore(state);
    }
    this.openClock = learnt.openClock;
    this.learnFrom = learnt.asOf;
    this.snapshot = learnt;
  }

  /** What was learnt up to the latest whole hour of event time (null before the first). */
  learnt(): StoreLearning | null {
    return this.snapshot;
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
    const learn = now >= this.learnFrom;
    if (learn && now % HOUR === 0) this.snapshot = this.state(now);
    if (learn && this.lastMinute !== null && this.profile.openingHours.isOpen(now)) this.openClock += now - this.lastMinute;
    this.lastMinute = now;
    if (learn) this.profile.observeMinute(now);
    const intensity = this.profile.intensityAt(now);
    for (const [slotId, s] of this.sales) {
      // Sales count at the minute that confirms them, so a restored state holds each exactly once.
      for (const sale of s.confirm(now, this.openClock, learn)) this.profile.sale(sale.ts, sale.units);
      const units = unitsOf(slotId);
      if (learn && units !== null && units > 0 && dtH > 0) s.addExposure(this.openClock, intensity * dtH);
    }
  }

  private state(asOf: number): StoreLearning {
    const slots: StoreLearning['slots'] = {};
    for (const [slotId, s] of this.sales) slots[slotId] = s.state(this.index.slots.get(slotId)!.slot.sku);
    return { version: 1, asOf, openClock: this.openClock, profile: this.profile.state(), slots };
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
    const t = this.tuning;
    const priorSales = otherH > 0 ? Math.min(t.priorMaxSales, otherSales) : 0;
    const priorH = priorSales > 0 ? priorSales / (otherSales / otherH) : 0;
    // Then the product's pace in other stores, at this store's level, for what room is left.
    const chainRate = this.chainRate(ref.slot.sku);
    const chainSales = chainRate > 0 ? Math.min(t.chainPriorSales, t.priorMaxSales - priorSales, this.chain.get(ref.slot.sku)!.sales) : 0;
    const chainH = chainSales > 0 ? chainSales / chainRate : 0;
    const belief = { shape: own.sales + priorSales + chainSales, exposureH: own.exposureH + priorH + chainH };
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

  /** The product's pace elsewhere in the chain at this store's level: its average slot's recent pace (0: nothing to lend). */
  private chainRate(sku: string): number {
    const relative = this.chain.get(sku)?.relative ?? 0;
    if (relative <= 0) return 0;
    let sales = 0;
    let hours = 0;
    for (const s of this.sales.values()) {
      sales += s.sales;
      hours += s.exposureH;
    }
    return sales > 0 && hours > 0 ? relative * (sales / hours) : 0;
  }
}
