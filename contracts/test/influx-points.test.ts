import { describe, expect, it } from 'vitest';
import { kpiPoints, MEASUREMENTS, TaskKind } from '../src/index.js';

describe('kpiPoints', () => {
  const snapshot = { storeId: 's-1', at: 1_700_000_000_000, availability: [], compliance: [], cases: [] };

  it('writes every task kind’s open count each minute, 0 for kinds with nothing open', () => {
    const open = kpiPoints(snapshot, [{ kind: 'out_of_stock', open: 3 }]).filter((p) => p.measurement === MEASUREMENTS.kpiOpenTasks);
    const byKind = new Map(open.map((p) => [p.tags.kind, p.fields.open] as const));
    expect([...byKind.keys()].sort()).toEqual([...TaskKind.options].sort());
    expect(byKind.get('out_of_stock')).toEqual({ int: 3 });
    expect(byKind.get('temperature_excursion')).toEqual({ int: 0 });
    expect(open.every((p) => p.tags.store === 's-1')).toBe(true);
  });
});
