import { describe, expect, it } from 'vitest';
import { TradingDay } from '../../../src/rules/forecast/trading-day.js';

const MIN = 60_000;

describe('the end of the trading day', () => {
  it('is the next 22:00 local time when the layout gives no closing time', () => {
    const day = new TradingDay('Europe/Berlin');
    // 07:00 in Berlin (UTC+1 in November): fifteen hours to go.
    expect(day.endAfter(Date.UTC(2026, 10, 23, 6, 0))).toBe(Date.UTC(2026, 10, 23, 21, 0));
    // After the close the day that ends next is tomorrow's.
    expect(day.endAfter(Date.UTC(2026, 10, 23, 21, 0))).toBe(Date.UTC(2026, 10, 24, 21, 0));
    expect(day.endAfter(Date.UTC(2026, 10, 23, 22, 30))).toBe(Date.UTC(2026, 10, 24, 21, 0));
  });

  it('follows the layout\'s closing time and the store\'s summer time', () => {
    const day = new TradingDay('Europe/Berlin', '20:30');
    // 12:00 in Berlin (UTC+2 in June): closes 18:30 UTC.
    expect(day.endAfter(Date.UTC(2026, 5, 10, 10, 0) + 30 * 1000)).toBe(Date.UTC(2026, 5, 10, 18, 30));
  });

  it('falls back to UTC for a time zone the runtime does not know', () => {
    const day = new TradingDay('Mars/Olympus_Mons', '22:00');
    expect(day.endAfter(Date.UTC(2026, 10, 23, 21, 59) + 59_000)).toBe(Date.UTC(2026, 10, 23, 22, 0));
    expect(day.endAfter(Date.UTC(2026, 10, 23, 22, 0) - MIN)).toBe(Date.UTC(2026, 10, 23, 22, 0));
  });
});

describe('the store\'s opening hours', () => {
  it('without an opening time every hour may trade', () => {
    const day = new TradingDay('Europe/Berlin', '22:00');
    expect(day.isOpen(Date.UTC(2026, 10, 23, 2, 0))).toBe(true);
    expect(day.nextChange(Date.UTC(2026, 10, 23, 2, 0))).toBe(Infinity);
  });

  it('is open from opening to closing, local time, and names the next change', () => {
    // 07:00–22:00 in Berlin (UTC+1 in November): 06:00–21:00 UTC.
    const day = new TradingDay('Europe/Berlin', '22:00', '07:00');
    expect(day.isOpen(Date.UTC(2026, 10, 23, 5, 59))).toBe(false);
    expect(day.isOpen(Date.UTC(2026, 10, 23, 6, 0))).toBe(true);
    expect(day.isOpen(Date.UTC(2026, 10, 23, 20, 59))).toBe(true);
    expect(day.isOpen(Date.UTC(2026, 10, 23, 21, 0))).toBe(false);
    expect(day.nextChange(Date.UTC(2026, 10, 23, 12, 30) + 15_000)).toBe(Date.UTC(2026, 10, 23, 21, 0));
    expect(day.nextChange(Date.UTC(2026, 10, 23, 21, 0))).toBe(Date.UTC(2026, 10, 24, 6, 0));
  });

  it('handles a store that closes after midnight', () => {
    const day = new TradingDay('UTC', '01:30', '08:00');
    expect(day.isOpen(Date.UTC(2026, 10, 23, 23, 0))).toBe(true);
    expect(day.isOpen(Date.UTC(2026, 10, 24, 1, 0))).toBe(true);
    expect(day.isOpen(Date.UTC(2026, 10, 24, 1, 30))).toBe(false);
    expect(day.nextChange(Date.UTC(2026, 10, 23, 23, 0))).toBe(Date.UTC(2026, 10, 24, 1, 30));
  });

  it('opening and closing at the same time is a store that never closes', () => {
    const day = new TradingDay('UTC', '00:00', '00:00');
    expect(day.isOpen(Date.UTC(2026, 10, 23, 3, 0))).toBe(true);
    expect(day.nextChange(Date.UTC(2026, 10, 23, 3, 0))).toBe(Infinity);
  });
});
