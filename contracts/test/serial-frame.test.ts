import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COUNTS_MAX,
  COUNTS_MIN,
  FRAME_REJECT_REASONS,
  crc16,
  decodeFrame,
  encodeFrame,
  isSaturated,
  type WeightFrame,
} from '../src/serial-frame.js';

const deviceId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/);
const frameArb: fc.Arbitrary<WeightFrame> = fc.record({
  deviceId,
  seq: fc.integer({ min: 0, max: 0xffff_ffff }),
  tsMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  channels: fc
    .uniqueArray(fc.integer({ min: 0, max: 63 }), { minLength: 1, maxLength: 24 })
    .chain((chs) =>
      fc.tuple(...chs.map((channel) => fc.integer({ min: COUNTS_MIN, max: COUNTS_MAX }).map((counts) => ({ channel, counts })))),
    ),
});

describe('serial frame codec', { timeout: 60_000 }, () => {
  it('computes CRC-16/CCITT-FALSE (check value of "123456789" is 0x29B1)', () => {
    expect(crc16('123456789')).toBe(0x29b1);
  });

  it('encodes a known frame exactly', () => {
    const line = encodeFrame({ deviceId: 'board-1', seq: 7, tsMs: 1000, channels: [{ channel: 0, counts: -12 }, { channel: 3, counts: 845_112 }] });
    expect(line).toMatch(/^\$SW1,board-1,7,1000,0:-12;3:845112\*[0-9A-F]{4}\r\n$/);
  });

  it('round-trips every valid frame', () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        const decoded = decodeFrame(encodeFrame(frame));
        expect(decoded).toEqual({ ok: true, frame });
      }),
      { seed: 201 },
    );
  });

  it('rejects any single changed byte with a reason, never throwing', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (frame, pos, xor) => {
        const line = encodeFrame(frame).slice(0, -2); // the reader strips CR LF
        const i = pos % line.length;
        const corrupted = line.slice(0, i) + String.fromCharCode(line.charCodeAt(i) ^ xor) + line.slice(i + 1);
        const result = decodeFrame(corrupted);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(FRAME_REJECT_REASONS).toContain(result.reason);
      }),
      { seed: 202 },
    );
  });

  it('rejects every truncation', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), (frame, cut) => {
        const line = encodeFrame(frame).slice(0, -2);
        const result = decodeFrame(line.slice(0, cut % line.length));
        expect(result.ok).toBe(false);
      }),
      { seed: 203 },
    );
  });

  it('rejects garbage with a reason', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (garbage) => {
        const result = decodeFrame(garbage);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.detail.length).toBeGreaterThan(0);
      }),
      { seed: 204 },
    );
  });

  it('rejects a frame with a valid checksum but bad content', () => {
    const body = 'SW1,board-1,1,1000,0:99999999';
    const line = `$${body}*${crc16(body).toString(16).toUpperCase().padStart(4, '0')}`;
    expect(decodeFrame(line)).toMatchObject({ ok: false, reason: 'bad_counts' });
    const dup = 'SW1,board-1,1,1000,0:1;0:2';
    expect(decodeFrame(`$${dup}*${crc16(dup).toString(16).toUpperCase().padStart(4, '0')}`)).toMatchObject({
      ok: false,
      reason: 'duplicate_channel',
    });
  });

  it('flags the amplifier rails as saturated', () => {
    expect(isSaturated(COUNTS_MAX)).toBe(true);
    expect(isSaturated(COUNTS_MIN)).toBe(true);
    expect(isSaturated(123)).toBe(false);
  });
});
