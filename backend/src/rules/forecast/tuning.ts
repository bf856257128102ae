/**
 * Knobs of the sell-out forecast (StoreModel.forecast overrides any of them). Each is a store
 * practice or a statistical choice, not a value fitted to a scenario.
 */
export interface ForecastTuning {
  /** Minutes staff need between the warning and the moment the slot may run empty (walk to the backroom, pick, fill). */
  leadMin: number;
  /** "Restock before" is the time by which the slot is empty with this probability (a cautious, early time). */
  deadlineQuantile: number;
  /** The warning's horizon: the time by which the slot is empty with this probability (it says so in the task). */
  horizonQuantile: number;
  /** A rate needs at least this many sales behind it (the slot's own plus what it borrows from its product) before it speaks. */
  minEvidenceSales: number;
  /** At most this many sales' worth of the product's rate in other slots (of the store, then of the chain) is lent to a slot as its starting belief. */
  priorMaxSales: number;
  /**
   * Of those, at most this many from other stores: their pace is scaled to this store's level by
   * its average slot, a rougher guess than the same store's other slots, so it weighs less.
   */
  chainPriorSales: number;
  /** Older sales weigh less: half their weight after this many minutes (a rush shows within the hour, a slow morning fades). */
  halfLifeMin: number;
  /** A weight step down is a sale once the units have not come back for this long (a shopper reading a label puts it back sooner). */
  saleConfirmMin: number;
  /** Hours of trading-hour data an hour-of-day needs to weigh as much as the store's average in the time-of-day pattern. */
  profilePriorHours: number;
  /**
   * Days of one weekday (four Mondays...) its own pattern needs before it weighs as much as the
   * all-days one: one odd Monday (rain, a promotion) must not make every Monday odd, so the first
   * weeks forecast much as without it, and a steady weekly rhythm shows within a month or two.
   */
  weekdayPriorDays: number;
  /** Forecasts further ahead than this are not made (tomorrow is another day's pattern). */
  maxHorizonH: number;
}

export const defaultForecastTuning: ForecastTuning = {
  leadMin: 30,
  deadlineQuantile: 0.1,
  horizonQuantile: 0.95,
  minEvidenceSales: 4,
  priorMaxSales: 3,
  chainPriorSales: 2,
  halfLifeMin: 180,
  saleConfirmMin: 3,
  profilePriorHours: 2,
  weekdayPriorDays: 4,
  maxHorizonH: 24,
};
