import { describe, expect, it } from 'vitest';
import { forecastText } from '../src/forecast-text.js';

describe('time to empty in words', () => {
  it('says when a slot runs empty, when to restock by, and the pace', () => {
    const text = forecastText({ salesPerHour: 2.14, emptyAt: Date.UTC(2026, 0, 1, 15, 20), minutesToEmpty: 45, deadlineAt: Date.UTC(2026, 0, 1, 14, 55), confident: true })!;
    expect(text).toMatch(/^Empty in about 45 min \(around .+\), restock before .+ · selling 2\.1 per hour$/);
  });

  it('is honest about too few sales, a slot that will last the day, and a slot without a count', () => {
    expect(forecastText({ salesPerHour: 0.5, emptyAt: null, minutesToEmpty: null, deadlineAt: null, confident: false })).toBe('Too few sales yet to forecast (selling 0.5 per hour)');
    expect(forecastText({ salesPerHour: 0.2, emptyAt: null, minutesToEmpty: null, deadlineAt: null, confident: true })).toBe('Not expected to run empty within a day (selling 0.2 per hour)');
    expect(forecastText(null)).toBeNull();
    expect(forecastText(undefined)).toBeNull();
  });
});
