import { encodeFrame, FRAME_REJECT_REASONS } from '@shelfwatch/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoardDecoder } from '../../../src/inputs/serial/board-decoder.js';
import { testStore } from '../../fixtures/store.js';

function decoder(overrides = new Map<number, { offsetCounts: number; countsPerGram: number }>()) {
  const store = testStore();
  return new BoardDecoder({ storeId: store.storeId, boardId: 'board-1', shelf: store.shelvesByBoard.get('board-1')!, products: store.productsBySku, calibrationOf: (ch) => overrides.get(ch) });
}

const KNOWN_REASONS = new Set<string>([...FRAME_REJECT_REASONS, 'wrong_device', 'duplicate_seq', 'unknown_channel']);

describe('BoardDecoder', () => {
  it('turns a frame into one weight reading per channel with a stable id', () => {
    const d = decoder();
    const out = d.decode(`${encodeFrame({ deviceId: 'board-1', seq: 7, tsMs: 1_700_000_000_000, channels: [{ channel: 0, counts: 201_000 }, { channel: 1, counts: 102_500 }] })}`);
    expect(out.rejects).toEqual([]);
    expect(out.readings).toHaveLength(2);
    expect(out.readings[0]).toMatchObject({ id: 'board-1:7:ch0', kind: 'shelf.weight', slotId: 'slot-a', sku: 'SKU-BEANS', grams: 2000, units: 5, rawCounts: 201_000, stable: false, fault: null });
    expect(out.readings[1]).toMatchObject({ id: 'board-1:7:ch1', slotId: 'slot-b', grams: 2060, units: 2 });
  });

  it('uses a tare/calibrate override before the layout calibration', () => {
    const d = decoder(new Map([[0, { offsetCounts: 201_000, countsPerGram: 100 }]]));
    const out = d.decode(encodeFrame({ deviceId: 'board-1', seq: 1, tsMs: 1, channels: [{ channel: 0, counts: 241_000 }] }));
    expect(out.readings[0]).toMatchObject({ grams: 400, units: 1 });
  });

  it('rejects frames from another board, repeated sequence numbers and unmapped channels', () => {
    const d = decoder();
    expect(d.decode(encodeFrame({ deviceId: 'board-2', seq: 1, tsMs: 1, channels: [{ channel: 0, counts: 1 }] })).rejects[0]?.reason).toBe('wrong_device');
    d.decode(encodeFrame({ deviceId: 'board-1', seq: 1, tsMs: 1, channels: [{ channel: 0, counts: 1 }] }));
    expect(d.decode(encodeFrame({ deviceId: 'board-1', seq: 1, tsMs: 1, channels: [{ channel: 0, counts: 1 }] })).rejects[0]?.reason).toBe('duplicate_seq');
    const mixed = d.decode(encodeFrame({ deviceId: 'board-1', seq: 5, tsMs: 2, channels: [{ channel: 0, counts: 1 }, { channel: 9, counts: 1 }] }));
    expect(mixed.readings).toHaveLength(1);
    expect(mixed.rejects.map((r) => r.reason)).toEqual(['unknown_channel']);
    expect(mixed.missing).toBe(3);
  });

  it('fuzz: arbitrary lines never throw, and every line is either readings or counted rejects', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (line) => {
        const out = decoder().decode(line);
        expect(out.readings.length + out.rejects.length).toBeGreaterThan(0);
        for (const r of out.rejects) expect(KNOWN_REASONS.has(r.reason)).toBe(true);
      }),
      { seed: 2101, numRuns: 2000 },
    );
  }, 30_000);

  it('fuzz: corrupting one character of a valid frame is always caught (CRC), never a wrong reading', () => {
    const frame = fc.record({
      seq: fc.integer({ min: 0, max: 0xffff_ffff }),
      tsMs: fc.integer({ min: 0, max: 2 ** 41 }),
      counts: fc.array(fc.integer({ min: -8_388_608, max: 8_388_607 }), { minLength: 1, maxLength: 2 }),
    });
    fc.assert(
      fc.property(frame, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), ({ seq, tsMs, counts }, pos, code) => {
        const line = encodeFrame({ deviceId: 'board-1', seq, tsMs, channels: counts.map((c, channel) => ({ channel, counts: c })) });
        const i = pos % line.length;
        const corrupted = line.slice(0, i) + String.fromCharCode(code) + line.slice(i + 1);
        const out = decoder().decode(corrupted);
        if (corrupted === line) expect(out.readings).toHaveLength(counts.length);
        else expect(out.readings).toHaveLength(0);
      }),
      { seed: 2102, numRuns: 2000 },
    );
  });
});
