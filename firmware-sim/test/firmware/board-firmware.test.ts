import { decodeFrame } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { BoardFirmware } from '../../src/firmware/board-firmware.js';
import { Rng } from '../../src/world/rng.js';

const noFaults = { corruptRate: 0, dropRate: 0 };

function board() {
  return new BoardFirmware({ boardId: 'board-1', deadbandCounts: 100, heartbeatMs: 10_000, rng: new Rng(3, 'b') });
}

describe('board firmware', () => {
  it('reports every channel first, then only moves beyond the deadband, then heartbeats', () => {
    const fw = board();
    const first = fw.tick(0, [{ channel: 0, counts: 1000 }, { channel: 1, counts: 2000 }], noFaults);
    expect(first?.kind).toBe('frame');
    expect(first?.channels).toBe(2);
    expect(fw.tick(1000, [{ channel: 0, counts: 1050 }, { channel: 1, counts: 2000 }], noFaults)).toBeNull();
    const moved = fw.tick(2000, [{ channel: 0, counts: 1200 }, { channel: 1, counts: 2010 }], noFaults);
    expect(moved?.kind === 'frame' && decodeFrame(moved.line)).toMatchObject({ ok: true, frame: { seq: 1, tsMs: 2000, channels: [{ channel: 0, counts: 1200 }] } });
    const heartbeat = fw.tick(10_000, [{ channel: 0, counts: 1200 }, { channel: 1, counts: 2010 }], noFaults);
    expect(heartbeat?.kind === 'frame' && decodeFrame(heartbeat.line)).toMatchObject({ ok: true, frame: { seq: 2, channels: [{ channel: 1, counts: 2010 }] } });
  });

  it('corrupted frames fail the checksum; dropped frames leave a sequence gap', () => {
    const fw = board();
    const corrupt = fw.tick(0, [{ channel: 0, counts: 123456 }], { corruptRate: 1, dropRate: 0 });
    expect(corrupt?.kind).toBe('corrupt');
    expect(corrupt?.kind === 'corrupt' && decodeFrame(corrupt.line).ok).toBe(false);
    const dropped = fw.tick(20_000, [{ channel: 0, counts: 123456 }], { corruptRate: 0, dropRate: 1 });
    expect(dropped).toMatchObject({ kind: 'dropped', seq: 1 });
    const next = fw.tick(40_000, [{ channel: 0, counts: 123456 }], noFaults);
    expect(next?.kind === 'frame' && decodeFrame(next.line)).toMatchObject({ ok: true, frame: { seq: 2 } });
  });

  it('re-announces every channel after a reconnect', () => {
    const fw = board();
    fw.tick(0, [{ channel: 0, counts: 1 }, { channel: 1, counts: 2 }], noFaults);
    fw.forceFullReport();
    expect(fw.tick(1000, [{ channel: 0, counts: 1 }, { channel: 1, counts: 2 }], noFaults)?.channels).toBe(2);
  });
});
