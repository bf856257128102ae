/**
 * The store's time-of-day pattern, learnt from its own sales: how busy each hour of the day is
 * compared with the store's average trading hour (a store sells differently at 8:00 and 18:00).
 * An hour of the day with little data leans on the average (weight `priorHours`), so the first
 * day forecasts with the recent pace and later days with the pattern. Hours are the store's
 * local hours (its time zone from the layout), derived from event time, never from a clock.
 */
export class DemandProfile {
  private readonly sales = new Float64Array(24);
  private readonly hours = new Float64Array(24);
  private totalSales = 0;
  private totalHours = 0;
  private readonly hourCache = new Map<number, number>();
  private readonly fmt: Intl.DateTimeFormat;

  constructor(
    timeZone: string,
    private readonly priorHours: number,
  ) {
    let fmt: Intl.DateTimeFormat;
    try {
      fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    } catch {
      // A time zone this runtime does not know: UTC hours still give a pattern, only shifted.
      fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: 'numeric', hourCycle: 'h23' });
    }
    this.fmt = fmt;
  }

  /** Local hour of the day (0..23) of an event time; zones with half-hour offsets round to the UTC hour's start. */
  localHour(ts: number): number {
    const utcHour = Math.floor(ts / 3_600_000);
    let h = this.hourCache.get(utcHour);
    if (h === undefined) {
      h = Number(this.fmt.format(new Date(utcHour * 3_600_000))) % 24;
      if (this.hourCache.size > 10_000) this.hourCache.clear();
      this.hourCache.set(utcHour, h);
    }
    return h;
  }

  /** One minute of the store's event time has passed (it was watched, whether or not anything sold). */
  observeMinute(ts: number): void {
    this.hours[this.localHour(ts)]! += 1 / 60;
    this.totalHours += 1 / 60;
  }

  sale(ts: number, units: number): void {
    this.sales[this.localHour(ts)]! += units;
    this.totalSales += units;
  }

  /** How busy this hour of the day is relative to the store's average hour (1 = average). */
  intensity(hour: number): number {
    if (this.totalSales <= 0 || this.totalHours <= 0) return 1;
    const mean = this.totalSales / this.totalHours;
    return (this.sales[hour]! + this.priorHours * mean) / (this.hours[hour]! + this.priorHours) / mean;
  }

  /**
   * The clock time at which `tradingHours` of the store's average intensity have passed after
   * `from` (null when not within `maxH` clock hours).
   */
  clockAfter(from: number, tradingHours: number, maxH: number): number | null {
    let t = from;
    let left = tradingHours;
    const end = from + maxH * 3_600_000;
    while (t < end) {
      const nextHour = Math.min(end, (Math.floor(t / 3_600_000) + 1) * 3_600_000);
      const rate = this.intensity(this.localHour(t));
      const segH = (nextHour - t) / 3_600_000;
      if (rate * segH >= left) return Math.round(t + (left / rate) * 3_600_000);
      left -= rate * segH;
      t = nextHour;
    }
    return null;
  }
}
