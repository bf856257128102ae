import { z } from 'zod';

const HOUR = 3_600_000;
const CELLS = 7 * 24;

/** What a store's pattern has learnt, as kept across restarts (see learning.ts). */
export const profileStateSchema = z.object({
  sales: z.array(z.number().nonnegative()).length(24),
  hours: z.array(z.number().nonnegative()).length(24),
  weekdaySales: z.array(z.number().nonnegative()).length(CELLS),
  weekdayHours: z.array(z.number().nonnegative()).length(CELLS),
  totalSales: z.number().nonnegative(),
  totalHours: z.number().nonnegative(),
});
export type ProfileState = z.infer<typeof profileStateSchema>;

export interface ProfilePriors {
  /** Hours of data an hour of the day needs to weigh as much as the store's average hour. */
  hourPriorHours: number;
  /** Days of one weekday after its first (another Monday, and another...) its own pattern needs to weigh as much as the all-days one. */
  weekdayPriorDays: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** When the store trades (see trading-day.ts); a closed store sells nothing, whatever the pattern says. */
export interface OpeningHours {
  isOpen(ts: number): boolean;
  /** The first opening or closing after `ts` (Infinity: never changes). */
  nextChange(ts: number): number;
}

const ALWAYS_OPEN: OpeningHours = { isOpen: () => true, nextChange: () => Infinity };

/**
 * The store's time-of-day and day-of-week pattern, learnt from its own sales: how busy each
 * hour of the day is compared with the store's average trading hour (a store sells differently
 * at 8:00 and 18:00), and how a day of the week departs from that (Saturdays busier than
 * Tuesdays). An hour of the day with little data leans on the average (weight `hourPriorHours`),
 * so the first day forecasts with the recent pace and later days with the pattern. A day of
 * the week is judged only against the other days' sales at the same hours: while a local hour
 * has been seen on one weekday only there is nothing to compare; a weekday's first day counts
 * for nothing either (see `weight`); its own pattern then weighs in as that weekday comes round
 * again, half after `weekdayPriorDays` more of it (its level over the whole day, then its
 * shape hour by hour). Only open hours are watched and forecast: the night a closed store
 * sells nothing is not an hour it sold slowly in.
 * Hours are the store's local hours (its time zone from the layout), derived from event time,
 * never from a clock.
 */
export class DemandProfile {
  private sales = new Array<number>(24).fill(0);
  private hours = new Array<number>(24).fill(0);
  private weekdaySales = new Array<number>(CELLS).fill(0);
  private weekdayHours = new Array<number>(CELLS).fill(0);
  private totalSales = 0;
  private totalHours = 0;
  private readonly cellCache = new Map<number, number>();
  /** Intensity per cell while nothing new was learnt (forecasts ask for the same hours many times a minute). */
  private readonly intensityCache = new Map<number, number>();
  private readonly fmt: Intl.DateTimeFormat;

  constructor(
    timeZone: string,
    private readonly priors: ProfilePriors,
    readonly openingHours: OpeningHours = ALWAYS_OPEN,
  ) {
    let fmt: Intl.DateTimeFormat;
    const options: Intl.DateTimeFormatOptions = { weekday: 'short', hour: 'numeric', hourCycle: 'h23' };
    try {
      fmt = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    } catch {
      // A time zone this runtime does not know: UTC hours still give a pattern, only shifted.
      fmt = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
    }
    this.fmt = fmt;
  }

  /** Local (day of week Monday = 0) * 24 + hour of an event time; half-hour zones round to the UTC hour's start. */
  cellOf(ts: number): number {
    const utcHour = Math.floor(ts / HOUR);
    let cell = this.cellCache.get(utcHour);
    if (cell === undefined) {
      const parts = this.fmt.formatToParts(new Date(utcHour * HOUR));
      const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0) % 24;
      cell = (WEEKDAYS[parts.find((p) => p.type === 'weekday')?.value ?? ''] ?? 0) * 24 + hour;
      if (this.cellCache.size > 10_000) this.cellCache.clear();
      this.cellCache.set(utcHour, cell);
    }
    return cell;
  }

  /** Local hour of the day (0..23) of an event time. */
  localHour(ts: number): number {
    return this.cellOf(ts) % 24;
  }

  /** One minute of the store's event time has passed (it was watched, whether or not anything sold); closed minutes are not trading time. */
  observeMinute(ts: number): void {
    if (!this.openingHours.isOpen(ts)) return;
    const cell = this.cellOf(ts);
    this.hours[cell % 24]! += 1 / 60;
    this.weekdayHours[cell]! += 1 / 60;
    this.totalHours += 1 / 60;
    this.intensityCache.clear();
  }

  sale(ts: number, units: number): void {
    const cell = this.cellOf(ts);
    this.sales[cell % 24]! += units;
    this.weekdaySales[cell]! += units;
    this.totalSales += units;
    this.intensityCache.clear();
  }

  /** How busy the hour of the day and week of event time `ts` is relative to the store's average open hour (1 = average, 0 = closed). */
  intensityAt(ts: number): number {
    if (!this.openingHours.isOpen(ts)) return 0;
    if (this.totalSales <= 0 || this.totalHours <= 0) return 1;
    const cell = this.cellOf(ts);
    let intensity = this.intensityCache.get(cell);
    if (intensity === undefined) {
      const h = cell % 24;
      const mean = this.totalSales / this.totalHours;
      const { hourPriorHours } = this.priors;
      const hourly = (this.sales[h]! + hourPriorHours * mean) / (this.hours[h]! + hourPriorHours) / mean;
      intensity = hourly * this.weekdayFactor(cell);
      this.intensityCache.set(cell, intensity);
    }
    return intensity;
  }

  /**
   * A day of the week against the all-days pattern: its sales over what the all-days rate of
   * the same hours expects of it, shrunk first to 1 for the whole weekday, then for the one
   * hour to that weekday's level.
   */
  private weekdayFactor(cell: number): number {
    const day = cell - (cell % 24);
    let sold = 0;
    let expected = 0;
    // How many of this weekday were watched: its most watched hour's count (a closed store's night is never watched).
    let days = 0;
    for (let c = day; c < day + 24; c += 1) {
      sold += this.weekdaySales[c]!;
      expected += this.expectedSales(c);
      days = Math.max(days, this.weekdayHours[c]!);
    }
    if (expected <= 0) return 1;
    const dayFactor = 1 + this.weight(days) * (sold / expected - 1);
    const cellExpected = this.expectedSales(cell);
    if (cellExpected <= 0) return dayFactor;
    // One hour of the weekday comes round once a week, as the weekday itself does.
    return dayFactor + this.weight(this.weekdayHours[cell]!) * (this.weekdaySales[cell]! / cellExpected - dayFactor);
  }

  /**
   * How much a weekday's own sales weigh after `seen` of it (days, or hours of one hour of the
   * day). The first one counts for nothing: one Monday cannot tell a Monday rhythm from that
   * day's own luck (weather, an event nearby); each further one adds evidence, half the weight
   * after `weekdayPriorDays` more. Rounded to 60ths, so the first is exactly nothing.
   */
  private weight(seen: number): number {
    const beyondFirst = Math.max(0, Math.round(seen * 60) / 60 - 1);
    return beyondFirst / (beyondFirst + this.priors.weekdayPriorDays);
  }

  /** Sales the all-days rate of the cell's hour expects over the cell's hours. */
  private expectedSales(cell: number): number {
    const h = cell % 24;
    return this.hours[h]! > 0 ? (this.weekdayHours[cell]! * this.sales[h]!) / this.hours[h]! : 0;
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
      const next = Math.min(to, (Math.floor(t / HOUR) + 1) * HOUR, this.openingHours.nextChange(t));
      if (!step(t, next, this.intensityAt(t))) return;
      t = next;
    }
  }

  state(): ProfileState {
    const { sales, hours, weekdaySales, weekdayHours, totalSales, totalHours } = this;
    return { sales: [...sales], hours: [...hours], weekdaySales: [...weekdaySales], weekdayHours: [...weekdayHours], totalSales, totalHours };
  }

  restore(s: ProfileState): void {
    this.sales = [...s.sales];
    this.hours = [...s.hours];
    this.weekdaySales = [...s.weekdaySales];
    this.weekdayHours = [...s.weekdayHours];
    this.totalSales = s.totalSales;
    this.totalHours = s.totalHours;
    this.intensityCache.clear();
  }
}
