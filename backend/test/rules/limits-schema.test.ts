import { describe, expect, it } from 'vitest';
import { parseBackendConfig } from '../../src/config.js';
import { defaultLimits, defaultTuning } from '../../src/rules/index.js';
import { ColdChainLimits, RuleTuning } from '../../src/rules/limits-schema.js';

describe('cold-chain limits and rule tuning schemas', () => {
  it('accept the default limits of both categories', () => {
    expect(ColdChainLimits.parse(defaultLimits.chilled)).toEqual(defaultLimits.chilled);
    expect(ColdChainLimits.parse(defaultLimits.frozen)).toEqual(defaultLimits.frozen);
  });

  it('hold the tuning defaults, the refrigeration group included, and an override keeps the rest', () => {
    expect(defaultTuning).toMatchObject({ reorderWindowMin: 10, maxDefrostMin: 45, refrigeration: { normalWindowH: 24, confirmMin: 20 } });
    const tuned = RuleTuning.parse({ maxDefrostMin: 60, refrigeration: { confirmMin: 30 } });
    expect(tuned).toEqual({ ...defaultTuning, maxDefrostMin: 60, refrigeration: { ...defaultTuning.refrigeration, confirmMin: 30 } });
    expect(RuleTuning.safeParse({ maxDefrostMin: -1 }).success).toBe(false);
    expect(RuleTuning.safeParse({ maxDefrostMinutes: 60 }).success).toBe(false);
  });

  it('are what the backend config checks overrides against, one field at a time', () => {
    const base = { demo: true, http: { port: 0 }, dbPath: '/tmp/x.sqlite' };
    expect(parseBackendConfig({ ...base, limits: { chilled: { productLimitC: 4 } } }, {}).limits).toEqual({ chilled: { productLimitC: 4 } });
    expect(() => parseBackendConfig({ ...base, limits: { frozen: { alarmCeilingC: 25, ceiling: 1 } } }, {})).toThrow(/limits\.frozen\.alarmCeilingC: [\s\S]*limits\.frozen: .*ceiling/);
  });
});
