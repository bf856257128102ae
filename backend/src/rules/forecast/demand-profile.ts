/** When the store trades (see trading-day.ts); a closed store sells nothing, whatever the pattern says. */
export interface OpeningHours {
  isOpen(ts: number): boolean;
  /** The first opening or closing after `ts` (Infinity: never changes). */
  nextChange(ts: number): number;
}

const ALWAYS_OPEN: OpeningHours = { isOpen: () => true, nextChange: () => Infinity };
const HOUR = 3_600_000;

/**
 * The store's time-of-day pattern, learnt from its own sales: how busy each hour of the day is
 * compared with the store's average trading hour (a store sells differently at 8:00 and 18:00).
 * An hour of the day with little data leans on the average (weight `priorHours`), so the first
 * day forecasts with the recent pace and later days with the pattern. Only open hours are
 * watched and forecast: the night a closed store sells nothing is not an hour it sold slowly in.
 * Hours are the store's local hours (its time zone from the layout), derived from event time,
 * never from a clock.
 */
export class DemandProfile {
  private readonly sales = new Float64Array(24);
  private readonly watched = new Float64Array(24);
  private totalSales = 0;
  private totalHours = 0;
  private readonly hourCache = new Map<number, number>();
  private readonly fmt: Intl.DateTimeFormat;

  constructor(
    timeZone: string,
    private readonly priorHours: number,
    readonly hours: OpeningHours = ALWAYS_OPEN,
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

  /** One minute of the store's event time has passed (it was watched, whether or not anything sold); closed minutes are not trading time. */
  observeMinute(ts: number): void {
    if (!this.hours.isOpen(ts)) return;
    this.watched[this.localHour(ts)]! += 1 / 60;
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
    return (this.sales[hour]! + this.priorHours * mean) / (this.watched[hour]! + this.priorHours) / mean;
  }

  /** How busy the store is at `ts` against its average open hour: 0 while it is closed. */
  intensityAt(ts: number): number {
    return this.hours.isOpen(ts) ? this.intensity(this.localHour(ts)) : 0;
  }

  /**
   * The clock time at which `tradingHours` of the store's average intensity have passed after
   * `from` (null when not within `maxH` clock hours).
   */
  clockAfter(from: number, tradingHours: number, maxH: number): number | null {
    let left = tradingHours;
    let at: number | null = null;
    this.walk(from, from + maxH * HOUR, (t, next, rate) => {
      const segH = (next - t) / HOUR;
      if (left > 0 && rate * segH < left) {
        left -= rate * segH;
        return true;
      }
      at = Math.round(t + (left > 0 ? (left / rate) * HOUR : 0));
      return false;
    });
    return at;
  }

  /** Trading hours (hours at the store's average intensity) between two event times. */
  tradingHoursBetween(from: number, to: number): number {
    let sum = 0;
    this.walk(from, to, (t, next, rate) => {
      sum += rate * ((next - t) / HOUR);
      return true;
    });
    return sum;
  }

  /** Steps from `from` to `to` in spans of one intensity (cut at whole hours, openings and closings) while `step` returns true. */
  private walk(from: number, to: number, step: (t: number, next: number, rate: number) => boolean): void {
    for (let t = from; t < to; ) {
      const next = Math.min(to, (Math.floor(t / HOUR) + 1) * HOUR, this.hours.nextChange(t));
      if (!step(t, next, this.intensityAt(t))) return;
      t = next;
    }
  }
}
