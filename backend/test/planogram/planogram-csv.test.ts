import { describe, expect, it } from 'vitest';
import { mergePlanogram } from '../../src/planogram/merge-planogram.js';
import { parseCsv, planogramFromCsv } from '../../src/planogram/planogram-csv.js';
import { fixtureLayout } from '../support/fixture-layout.js';

const HEADER = 'store_id,shelf_id,aisle,slot_id,channel,sku,facings,capacity,reorder_point';
const known = (sku: string) => ['MILK-1L', 'BREAD-500'].includes(sku);

describe('planogram CSV', () => {
  it('parses quoted fields and CRLF', () => {
    expect(parseCsv('a,"b,""c""",d\r\n1,2,3\n')).toEqual([
      ['a', 'b,"c"', 'd'],
      ['1', '2', '3'],
    ]);
  });

  it('groups rows into shelves', () => {
    const csv = `${HEADER}\nstore-1,shelf-9,7,slot-9-1,0,MILK-1L,2,10,3\nstore-1,shelf-9,7,slot-9-2,1,BREAD-500,1,8,2\n`;
    const r = planogramFromCsv(csv, { storeId: 'store-1', knownSku: known });
    expect(r.errors).toEqual([]);
    expect(r.shelves).toHaveLength(1);
    expect(r.shelves[0]?.slots.map((s) => s.id)).toEqual(['slot-9-1', 'slot-9-2']);
  });

  it('reports every bad row by line number with a readable message', () => {
    const csv = [
      HEADER,
      'store-1,shelf-9,7,slot-9-1,0,MILK-1L,2,10,3',
      'store-1,shelf-9,7,slot-9-2,0,BREAD-500,1,8,2', // channel reused
      'store-1,shelf-9,7,slot-9-3,2,NOPE,1,8,2', // unknown sku
      'store-1,shelf-9,7,slot-9-4,3,MILK-1L,two,8,2', // facings not a number
      'store-1,shelf-9,7,slot-9-5,4,MILK-1L,1,8,9', // reorder point above capacity
      'store-2,shelf-9,7,slot-9-6,5,MILK-1L,1,8,2', // other store
      'store-1,shelf-9,7',
    ].join('\n');
    const r = planogramFromCsv(csv, { storeId: 'store-1', knownSku: known });
    expect(r.errors.map((e) => e.row)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(r.errors[0]?.message).toContain('channel 0');
    expect(r.errors[1]?.message).toContain("unknown sku 'NOPE'");
    expect(r.errors[2]?.message).toContain('facings');
    expect(r.errors[3]?.message).toContain('reorder_point');
    expect(r.errors[5]?.message).toContain('fields');
  });

  it('rejects a header without the required columns', () => {
    expect(planogramFromCsv('sku,name\nA,B', { storeId: 'store-1', knownSku: known }).errors[0]).toMatchObject({ row: 1 });
  });

  it('merge keeps calibration of kept slots and validates the result as a StoreLayout', () => {
    const layout = fixtureLayout();
    const ok = mergePlanogram(layout, [
      { id: 'shelf-3b', aisle: '3', slots: [{ id: 'slot-3b-1', channel: 0, sku: 'BREAD-500', facings: 4, capacity: 20, reorderPoint: 5 }] },
    ]);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.layout.shelves[0]?.slots[0]?.calibration).toEqual({ offsetCounts: 1000, countsPerGram: 2 });
      expect(ok.layout.cameras[0]?.slotIds).toEqual(['slot-3b-1']);
      expect(ok.warnings.join(' ')).toContain('removed slot');
    }
    const bad = mergePlanogram(layout, [{ id: 'shelf-x', aisle: '1', boardId: 'ctrl-4', slots: [{ id: 'slot-3b-1', channel: 0, sku: 'MILK-1L', facings: 1, capacity: 5, reorderPoint: 1 }] }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.message).join('\n')).toMatch(/duplicate slot|already used/);
  });
});
