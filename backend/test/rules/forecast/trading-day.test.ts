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
