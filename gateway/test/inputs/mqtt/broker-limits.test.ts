import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { clientIdBelongsTo } from '../../../src/inputs/mqtt/device-auth.js';
import { DeviceSessions } from '../../../src/inputs/mqtt/device-sessions.js';
import { PacketSizeGuard, PacketTooLargeError } from '../../../src/inputs/mqtt/packet-size-guard.js';

/** Feeds chunks through a guard; what came out, and the error if it failed. */
async function through(maxBytes: number, chunks: Buffer[]): Promise<{ out: Buffer; error: Error | null }> {
  const guard = new PacketSizeGuard(maxBytes);
  const out: Buffer[] = [];
  guard.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<Error | null>((resolve) => {
    guard.once('error', resolve);
    guard.once('end', () => resolve(null));
  });
  for (const c of chunks) guard.write(c);
  guard.end();
  return { out: Buffer.concat(out), error: await done };
}

/** Splits a buffer at the given cut points (any, including inside a header or a length). */
function split(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let at = 0;
  for (const p of [...points, buf.length]) {
    if (p > at) parts.push(buf.subarray(at, p));
    at = Math.max(at, p);
  }
  return parts;
}

const publish = (payloadBytes: number) =>
  mqttPacket.generate({ cmd: 'publish', topic: 'sw/v1/store-1/probe-1/probe', payload: Buffer.alloc(payloadBytes, 0x7b), qos: 1, messageId: 1, retain: false, dup: false });
const ping = () => mqttPacket.generate({ cmd: 'pingreq' });

describe('PacketSizeGuard', () => {
  it('property: passes a stream of packets within the cap through unchanged, however it is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(-1)), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), async (sizes, cuts) => {
        const stream = Buffer.concat(sizes.map((n) => (n < 0 ? ping() : publish(n))));
        const { out, error } = await through(8 * 1024, split(stream, cuts));
        expect(error).toBeNull();
        expect(out.equals(stream)).toBe(true);
      }),
      { numRuns: 300, seed: 41 },
    );
  });

  it('property: fails on the first packet over the cap, before its body, however it is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 5 }), fc.integer({ min: 4097, max: 300_000_000 }), fc.array(fc.nat(), { maxLength: 10 }), async (before, huge, cuts) => {
        // Only the fixed header of the big packet and a few body bytes are ever sent.
        const header = Buffer.from(mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false }).subarray(0, 1));
        const length: number[] = [];
        let rest = huge;
        do {
          let byte = rest % 128;
          rest = Math.floor(rest / 128);
          if (rest > 0) byte |= 0x80;
          length.push(byte);
        } while (rest > 0);
        const good = Buffer.concat(before.map((n) => publish(n)));
        const stream = Buffer.concat([good, header, Buffer.from(length), Buffer.alloc(10)]);
        const { out, error } = await through(4096, split(stream, cuts));
        expect(error).toBeInstanceOf(PacketTooLargeError);
        expect((error as PacketTooLargeError).declaredBytes).toBeGreaterThan(4096);
        // Nothing of the oversized packet's body got through.
        expect(out.length).toBeLessThanOrEqual(good.length + 1 + length.length);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('refuses a remaining length longer than four bytes', async () => {
    const { error } = await through(Number.MAX_SAFE_INTEGER, [Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01])]);
    expect(error?.message).toContain('malformed');
  });
});

describe('client ids and per-device caps', () => {
  it('binds client ids to the device: its id or <id>:<suffix>, never another device', () => {
    expect(clientIdBelongsTo('probe-1', 'probe-1')).toBe(true);
    expect(clientIdBelongsTo('probe-1', 'probe-1:cmd')).toBe(true);
    expect(clientIdBelongsTo('probe-1', 'probe-1-2')).toBe(false);
    expect(clientIdBelongsTo('probe-1', 'probe-2')).toBe(false);
    expect(clientIdBelongsTo('probe-1', '')).toBe(false);
    expect(clientIdBelongsTo('probe-1', `probe-1:${'x'.repeat(41)}`)).toBe(false);
  });

  it('counts connections and subscriptions per device and frees them on disconnect', () => {
    const s = new DeviceSessions({ maxConnections: 2, maxSubscriptions: 2 });
    expect([s.connect('a'), s.connect('a'), s.connect('a'), s.connect('b')]).toEqual([true, true, false, true]);
    expect([s.subscribe('a'), s.subscribe('a'), s.subscribe('a')]).toEqual([true, true, false]);
    s.unsubscribe('a');
    expect(s.subscribe('a')).toBe(true);
    s.disconnect('a', 2);
    expect([s.connect('a'), s.connect('a'), s.subscribe('a'), s.subscribe('a'), s.subscribe('a')]).toEqual([true, false, true, true, false]);
  });
});
