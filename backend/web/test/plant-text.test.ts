import { describe, expect, it } from 'vitest';
import { plantText } from '../src/plant-text.js';

describe('a case’s refrigeration in words', () => {
  it('gives the duty cycle and the cooling capacity against the case’s own normal', () => {
    expect(plantText({ dutyPct: 72.4, normalDutyPct: 54, capacityPctOfNormal: 73.6, serviceNeededSince: null })).toBe(
      'Compressor on 72 % of the time (normal 54 %) · cooling capacity 74 % of normal',
    );
  });

  it('is honest while it learns, and when the compressor has not cycled lately', () => {
    expect(plantText({ dutyPct: 40, normalDutyPct: null, capacityPctOfNormal: null, serviceNeededSince: null })).toBe('Refrigeration: still learning this case’s normal');
    expect(plantText({ dutyPct: null, normalDutyPct: 50, capacityPctOfNormal: null, serviceNeededSince: Date.UTC(2026, 0, 1) })).toBe(
      'Compressor: no complete cycle lately (normal 50 %)',
    );
  });
});
