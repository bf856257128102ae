import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainPace, storeLearningSchema, type StoreLearning } from '../../../src/rules/forecast/learning.js';
import { SellOutForecaster } from '../../../src/rules/forecast/sell-out-forecaster.js';
import { TradingDay } from '../../../src/rules/forecast/trading-day.js';
import { defaultForecastTuning } from '../../../src/rules/forecast/tuning.js';
import { StoreIndex } from '../../../src/rules/store-index.js';
import { layout, MIN } from '../timeline.js';

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 23 November 2026, 00:00 in Berlin (the test store's time zone). */
const MONDAY = Date.UTC(2026, 10, 22, 23, 0);
const SATURDAY = 5;
const index = new StoreIndex(layout);
const ref = (slotId: string) => index.slots.get(slotId)!;

/** Sales per hour of each slot at an event time (day of week Monday = 0, local hour). */
type Pace = (slotId: string, weekday: number, hour: number) => number;

/**
 * A store trading 07:00–22:00: every minute each slot's scale reports its units (plenty, never
 * restocked), a unit leaving whenever the pace has added up to one, and the forecaster's
 * minute follows, as the engine runs it.
 */
class Shop {
  private readonly units = new Map<string, number>();
  private readonly owed = new Map<string, number>();

  constructor(
    readonly f: SellOutForecaster,
    private readonly pace: Pace,
  ) {
    for (const id of index.slots.keys()) this.units.set(id, 100_000);
  }

  /** Trades from `from` to `to`; with `seen` false the forecaster is not told (readings a replay no longer has). */
  trade(from: number, to: number, seen = true): void {
    for (let t = from; t < to; t += MIN) {
      const cell = this.f.profile.cellOf(t);
      const hour = cell % 24;
      for (const id of index.slots.keys()) {
        const owed = (this.owed.get(id) ?? 0) + (hour >= 7 && hour < 22 ? this.pace(id, Math.floor(cell / 24), hour) / 60 : 0);
        const sold = Math.floor(owed);
        this.owed.set(id, owed - sold);
        this.units.set(id, this.units.get(id)! - sold);
        if (seen) this.f.observe(id, 'weight', t, this.units.get(id)!);
      }
      if (seen) this.f.minute(t, (id) => this.units.get(id) ?? null);
    }
  }
}

const forecaster = (over: Partial<typeof defaultForecastTuning> = {}, chain = chainPace([]), hours?: TradingDay) =>
  new SellOutForecaster(index, { ...defaultForecastTuning, ...over }, chain, hours);
/** Saturdays sell twice as fast as the other days. */
const saturdays: Pace = (id, weekday) => (id === 'slot-4' ? (weekday === SATURDAY ? 12 : 6) : 0);
/** Clock hours until slot-4 is empty with probability 1/2, from `now` with 10 units. */
const hoursToEmpty = (f: SellOutForecaster, now: number) => (f.forecast(ref('slot-4'), now, 10).emptyAt! - now) / HOUR;
const saturdayOverTuesday = (f: SellOutForecaster, weekStart: number) => f.profile.intensityAt(weekStart + 5 * DAY + 12 * HOUR) / f.profile.intensityAt(weekStart + DAY + 12 * HOUR);

describe('day-of-week pattern', () => {
  it('after weeks where Saturdays sell twice the weekday rate, a Saturday empties sooner than a Tuesday at the same stock and hour', () => {
    const shop = new Shop(forecaster(), saturdays);
    shop.trade(MONDAY, MONDAY + 3 * 7 * DAY);
    const next = MONDAY + 3 * 7 * DAY;
    const tuesday = hoursToEmpty(shop.f, next + DAY + 12 * HOUR);
    const saturday = hoursToEmpty(shop.f, next + 5 * DAY + 12 * HOUR);
    expect(saturday).toBeLessThan(tuesday * 0.75);
    expect(saturdayOverTuesday(shop.f, next)).toBeGreaterThan(1.4);
  });

  it('one week is no evidence of a weekly rhythm (one Saturday may just have been a busy day); the weekday weighs in as weeks go by', () => {
    const shop = new Shop(forecaster(), saturdays);
    shop.trade(MONDAY, MONDAY + 7 * DAY);
    const afterOne = saturdayOverTuesday(shop.f, MONDAY + 7 * DAY);
    expect(afterOne).toBe(1);
    shop.trade(MONDAY + 7 * DAY, MONDAY + 14 * DAY);
    const afterTwo = saturdayOverTuesday(shop.f, MONDAY + 14 * DAY);
    expect(afterTwo).toBeGreaterThan(1.1);
    shop.trade(MONDAY + 14 * DAY, MONDAY + 6 * 7 * DAY);
    expect(saturdayOverTuesday(shop.f, MONDAY + 6 * 7 * DAY)).toBeGreaterThan(afterTwo + 0.3);
  });

  it('a first day of trading gives the all-days pattern exactly (the first days forecast as without weekdays)', () => {
    const shop = new Shop(forecaster(), (id, _d, hour) => (id === 'slot-4' ? (hour < 12 ? 10 : 4) : 0));
    shop.trade(MONDAY + 7 * HOUR, MONDAY + 22 * HOUR + DAY);
    const withoutWeekday = forecaster({ weekdayPriorDays: 1e300 });
    new Shop(withoutWeekday, (id, _d, hour) => (id === 'slot-4' ? (hour < 12 ? 10 : 4) : 0)).trade(MONDAY + 7 * HOUR, MONDAY + 22 * HOUR + DAY);
    for (const h of [8, 11, 15, 20, 32, 44]) expect(shop.f.profile.intensityAt(MONDAY + h * HOUR)).toBe(withoutWeekday.profile.intensityAt(MONDAY + h * HOUR));
  });
});

describe('learnt statistics across a restart', () => {
  it('restoring what was learnt up to a whole hour, then replaying the readings kept, gives exactly the state of no restart', () => {
    fc.assert(
      fc.property(
        fc.record({
          base: fc.integer({ min: 1, max: 12 }),
          saturday: fc.integer({ min: 1, max: 3 }),
          days: fc.integer({ min: 2, max: 9 }),
          restartHour: fc.integer({ min: 1, max: 23 }),
          extraMin: fc.integer({ min: 0, max: 59 }),
          // With opening hours the sales fade on the open-hours clock, which is saved too.
          openingHours: fc.boolean(),
        }),
        ({ base, saturday, days, restartHour, extraMin, openingHours }) => {
          const hours = openingHours ? new TradingDay('Europe/Berlin', '22:00', '07:00') : undefined;
          const pace: Pace = (id, weekday, hour) => (id === 'slot-1' || id === 'slot-4' ? base * (weekday === SATURDAY ? saturday : 1) * (hour >= 17 ? 2 : 1) : id === 'slot-3' ? 1 : 0);
          const end = MONDAY + days * DAY + 20 * HOUR;
          const restartAt = MONDAY + (days - 1) * DAY + restartHour * HOUR + extraMin * MIN;
          const never = new Shop(forecaster({}, chainPace([]), hours), pace);
          never.trade(MONDAY, restartAt);
          // What was saved, as it comes back from storage.
          const saved = storeLearningSchema.parse(JSON.parse(JSON.stringify(never.f.learnt())));
          expect(saved.asOf).toBe(Math.floor((restartAt - MIN) / HOUR) * HOUR);
          never.trade(restartAt, end);
          // The restarted engine replays the 26 h of readings kept before where it stopped.
          const replay = new Shop(forecaster({}, chainPace([]), hours), pace);
          replay.f.restore(saved);
          replay.trade(MONDAY, restartAt - 26 * HOUR, false);
          replay.trade(restartAt - 26 * HOUR, end);
          expect(replay.f.learnt()).toEqual(never.f.learnt());
          for (const id of ['slot-1', 'slot-3', 'slot-4']) expect(replay.f.forecast(ref(id), end, 20)).toEqual(never.f.forecast(ref(id), end, 20));
        },
      ),
      { seed: 15, numRuns: 16 },
    );
  });

  it('a slot that now holds another product does not take over the old product\'s pace', () => {
    const shop = new Shop(forecaster(), (id) => (id === 'slot-4' ? 6 : 0));
    shop.trade(MONDAY, MONDAY + DAY);
    const learnt = shop.f.learnt()!;
    const moved: StoreLearning = { ...learnt, slots: { ...learnt.slots, 'slot-4': { ...learnt.slots['slot-4']!, sku: 'MUE-1' } } };
    const restored = forecaster();
    restored.restore(moved);
    expect(restored.totalSales('slot-4')).toBe(0);
    restored.restore(learnt);
    expect(restored.totalSales('slot-4')).toBe(shop.f.totalSales('slot-4'));
  });
});

describe("the product's pace in other stores", () => {
  it('a new slot of a product another store sells speaks sooner than one of a product sold nowhere', () => {
    // Another store has sold black tea (slot-4) and oat flakes for a week; muesli nowhere.
    const elsewhere = new Shop(forecaster(), (id) => (id === 'slot-4' ? 4 : id === 'slot-1' ? 8 : 0));
    elsewhere.trade(MONDAY, MONDAY + 7 * DAY);
    const chain = chainPace([elsewhere.f.learnt()!]);
    // Tea sold at 4 an hour where the average of the store's four slots sold 3.
    expect(chain.get('TEA-1')!.relative).toBeCloseTo(4 / 3, 1);
    expect(chain.has('MUE-1')).toBe(false);
    // Here the store has traded oat flakes for a day; tea and muesli have each just sold three.
    const here = new Shop(forecaster({}, chain), (id) => (id === 'slot-1' ? 8 : 0));
    here.trade(MONDAY + 7 * DAY, MONDAY + 8 * DAY + 9 * HOUR);
    const now = MONDAY + 8 * DAY + 9 * HOUR;
    for (const id of ['slot-3', 'slot-4']) {
      here.f.observe(id, 'weight', now, 100_000);
      for (let i = 1; i <= 3; i += 1) here.f.observe(id, 'weight', now + i * 5 * MIN, 100_000 - i);
    }
    for (let t = now; t <= now + 20 * MIN; t += MIN) here.f.minute(t, () => 100_000);
    const tea = here.f.forecast(ref('slot-4'), now + 20 * MIN, 10);
    const muesli = here.f.forecast(ref('slot-3'), now + 20 * MIN, 10);
    expect(tea.confident).toBe(true);
    expect(muesli.confident).toBe(false);
    // Lent modestly: two sales' worth.
    expect(tea.evidenceSales - muesli.evidenceSales).toBeCloseTo(defaultForecastTuning.chainPriorSales, 6);
  });
});
