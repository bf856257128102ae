/**
 * A store's trading hours in local time (`store.opensAt` and `store.closesAt` in the layout).
 * The trading day ends at the closing time, 22:00 when the layout does not say (a typical
 * supermarket close). Shoppers buy only while the store is open, so with both times given the
 * sell-out forecast counts no sales between closing and opening; without an opening time it
 * assumes the store may trade at any hour and lets the learned time-of-day pattern say how much.
 * Derived from event time, never from a clock.
 */
export const DEFAULT_CLOSES_AT = '22:00';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY_MIN = 24 * 60;

const minuteOfDay = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export class TradingDay {
  private readonly closeMin: number;
  /** Null: no opening time given, every hour may trade. */
  private readonly openMin: number | null;
  private readonly fmt: Intl.DateTimeFormat;
  /** Local minute of the day at the start of each UTC hour (offsets change only on whole hours). */
  private readonly hourStartCache = new Map<number, number>();

  constructor(timeZone: string, closesAt: string = DEFAULT_CLOSES_AT, opensAt?: string) {
    this.closeMin = minuteOfDay(closesAt);
    this.openMin = opensAt === undefined || minuteOfDay(opensAt) === this.closeMin ? null : minuteOfDay(opensAt);
    try {
      this.fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    } catch {
      // A time zone this runtime does not know: UTC, as the time-of-day pattern does.
      this.fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    }
  }

  /** Local minute of the day (0 ≤ m < 1440, fractional) of an event time. */
  private localMinute(ts: number): number {
    const utcHour = Math.floor(ts / HOUR);
    let start = this.hourStartCache.get(utcHour);
    if (start === undefined) {
      const parts = this.fmt.formatToParts(new Date(utcHour * HOUR));
      const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
      start = (part('hour') % 24) * 60 + part('minute');
      if (this.hourStartCache.size > 10_000) this.hourStartCache.clear();
      this.hourStartCache.set(utcHour, start);
    }
    return (start + (ts - utcHour * HOUR) / MIN) % DAY_MIN;
  }

  /**
   * The next closing time after `now` (at the close itself: the next day's). A change of the
   * clocks during the remaining hours moves it by that hour: a day's order does not hang on it.
   */
  endAfter(now: number): number {
    const nowMin = Math.floor(this.localMinute(now));
    const ahead = this.closeMin > nowMin ? this.closeMin - nowMin : this.closeMin - nowMin + DAY_MIN;
    return Math.floor(now / MIN) * MIN + ahead * MIN;
  }

  /** Whether shoppers can buy at `ts` (always, without an opening time). */
  isOpen(ts: number): boolean {
    if (this.openMin === null) return true;
    const m = this.localMinute(ts);
    return this.openMin < this.closeMin ? m >= this.openMin && m < this.closeMin : m >= this.openMin || m < this.closeMin;
  }

  /** The first opening or closing after `ts` (Infinity without an opening time). */
  nextChange(ts: number): number {
    if (this.openMin === null) return Infinity;
    const m = this.localMinute(ts);
    const ahead = (target: number) => (target - m + DAY_MIN) % DAY_MIN || DAY_MIN;
    return ts + Math.min(ahead(this.openMin), ahead(this.closeMin)) * MIN;
  }
}
