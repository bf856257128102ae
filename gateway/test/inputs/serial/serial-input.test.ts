import { encodeFrame } from '@shelfwatch/contracts';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CalibrationStore } from '../../../src/inputs/serial/calibration-store.js';
import { SerialInput } from '../../../src/inputs/serial/serial-input.js';
import { FAKE_NOW, fakeContext } from '../../fixtures/fake-context.js';
import { FakePort } from '../../fixtures/fake-port.js';

function calibrationDb(): CalibrationStore {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE calibration (board TEXT NOT NULL, channel INTEGER NOT NULL, offset_counts INTEGER NOT NULL, counts_per_gram REAL NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (board, channel))');
  return new CalibrationStore(db);
}

let input: SerialInput | undefined;
afterEach(async () => {
  await input?.stop();
});

async function started(calibrations = calibrationDb()) {
  const ctx = fakeContext();
  const port = new FakePort();
  input = new SerialInput({ context: ctx, boards: { 'board-1': { path: '/dev/fake' } }, calibrations, portFactory: () => port });
  input.init();
  await input.start();
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { ctx, port, input };
}

describe('SerialInput through a fake port', () => {
  it('fuzz: random bytes on the line never crash the input; every line is stored or counted', async () => {
    const { ctx, port } = await started();
    let lines = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ maxLength: 120 })), { maxLength: 5 }), async (chunks) => {
        const text = chunks.map((c) => c.replace(/\n/g, '')).join('\n') + '\n';
        // What the wire carries; the line parser drops empty lines (nothing to count there).
        lines += Buffer.from(text, 'latin1').toString('latin1').split('\n').filter((l) => l.length > 0).length;
        port.feed(text);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }),
      { numRuns: 300, seed: 11 },
    );
    const s = ctx.metrics.snapshot({});
    const rejects = Object.values(s.rejected).reduce((a, b) => a + b, 0);
    const weightReadings = ctx.stored.filter((r) => r.kind === 'shelf.weight').length;
    expect(rejects + weightReadings).toBeGreaterThanOrEqual(lines);
    // 300 runs, each awaiting the event loop: seconds on a loaded machine.
  }, 30_000);

  it('property: a frame is stored only when its device time is within the bound; otherwise counted ts_ahead / ts_too_old', async () => {
    const { ctx, port } = await started();
    const { maxAheadMs, maxAgeMs } = ctx.eventTime;
    let seq = 0;
    const expected = { stored: 0, ts_ahead: 0, ts_too_old: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: FAKE_NOW - maxAgeMs, max: FAKE_NOW + maxAheadMs }),
          fc.integer({ min: FAKE_NOW + maxAheadMs + 1, max: 8_640_000_000_000 }),
          fc.integer({ min: 0, max: FAKE_NOW - maxAgeMs - 1 }),
        ),
        async (tsMs) => {
          port.feed(encodeFrame({ deviceId: 'board-1', seq: ++seq, tsMs, channels: [{ channel: 0, counts: 1000 + 100 * 400 * (seq % 5) }] }) + '\n');
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (tsMs > FAKE_NOW + maxAheadMs) expected.ts_ahead++;
          else if (tsMs < FAKE_NOW - maxAgeMs) expected.ts_too_old++;
          else expected.stored++;
        },
      ),
      { numRuns: 300, seed: 12 },
    );
    const s = ctx.metrics.snapshot({});
    expect(ctx.stored.filter((r) => r.kind === 'shelf.weight')).toHaveLength(expected.stored);
    expect(s.rejected['serial:ts_ahead'] ?? 0).toBe(expected.ts_ahead);
    expect(s.rejected['serial:ts_too_old'] ?? 0).toBe(expected.ts_too_old);
    for (const r of ctx.stored) expect(Math.abs(r.ts - FAKE_NOW)).toBeLessThanOrEqual(maxAgeMs);
  }, 30_000);

  it('tare and calibrate change the readings and persist in the store', async () => {
    const calibrations = calibrationDb();
    const { ctx, port, input: serial } = await started(calibrations);
    port.feed(encodeFrame({ deviceId: 'board-1', seq: 1, tsMs: FAKE_NOW + 1000, channels: [{ channel: 0, counts: 50_000 }] }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(serial.tare('board-1', 0)).toEqual({ offsetCounts: 50_000, countsPerGram: 100 });
    port.feed(encodeFrame({ deviceId: 'board-1', seq: 2, tsMs: FAKE_NOW + 2000, channels: [{ channel: 0, counts: 50_000 + 800 * 90 }] }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(serial.calibrate('board-1', 0, 800)).toEqual({ offsetCounts: 50_000, countsPerGram: 90 });
    port.feed(encodeFrame({ deviceId: 'board-1', seq: 3, tsMs: FAKE_NOW + 3000, channels: [{ channel: 0, counts: 50_000 + 1200 * 90 }] }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    const last = ctx.stored.filter((r) => r.kind === 'shelf.weight').at(-1);
    expect(last).toMatchObject({ grams: 1200, units: 3 });
    expect(calibrations.all().get('board-1#0')).toEqual({ offsetCounts: 50_000, countsPerGram: 90 });
    expect(() => serial.tare('board-1', 5)).toThrow(/no slot/);
    expect(() => serial.calibrate('board-1', 0, -3)).toThrow(/positive/);
  });
});
