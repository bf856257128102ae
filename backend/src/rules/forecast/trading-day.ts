/**
 * When a store's trading day ends: its closing time in local time (`store.closesAt` in the
 * layout), 22:00 when the layout does not say (a typical supermarket close; the simulator's
 * stores trade 07:00–22:00). Derived from event time, never from a clock.
 */
export const DEFAULT_CLOSES_AT = '22:00';

const MIN = 60_000;
const DAY_MIN = 24 * 60;

export class TradingDay {
  private readonly closeMin: number;
  private readonly fmt: Intl.DateTimeFormat;

  constructor(timeZone: string, closesAt: string = DEFAULT_CLOSES_AT) {
    const [h, m] = closesAt.split(':').map(Number);
    this.closeMin = (h ?? 22) * 60 + (m ?? 0);
    try {
      this.fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    } catch {
      // A time zone this runtime does not know: UTC, as the time-of-day pattern does.
      this.fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    }
  }

  /**
   * The next closing time after `now` (at the close itself: the next day's). A change of the
   * clocks during the remaining hours moves it by that hour: a day's order does not hang on it.
   */
  endAfter(now: number): number {
    const parts = this.fmt.formatToParts(new Date(now));
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const nowMin = (part('hour') % 24) * 60 + part('minute');
    const ahead = this.closeMin > nowMin ? this.closeMin - nowMin : this.closeMin - nowMin + DAY_MIN;
    return Math.floor(now / MIN) * MIN + ahead * MIN;
  }
}
