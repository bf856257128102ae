import { DeliveryConfirmation, encodeFrame, IngestBatch, parsePayload } from '@shelfwatch/contracts';
import fc from 'fast-check';

/**
 * Deterministic bad inputs (fast-check with a fixed seed), each guaranteed to be refused
 * exactly once by the part that receives it, so "every rejection counted" can be exact.
 */
const SEED = 20261123;
const sample = <T>(arb: fc.Arbitrary<T>, n: number, seedOffset: number): T[] => fc.sample(arb, { numRuns: n, seed: SEED + seedOffset });

const jsonValue = () => fc.jsonValue({ maxDepth: 2, depthSize: 'xsmall' });
const dict = (minKeys = 0) => fc.dictionary(fc.string({ maxLength: 12 }), jsonValue(), { minKeys, maxKeys: 6 });

const printable = (min: number, max: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: min, maxLength: max });

/** A valid frame of board-1 (both channels have slots), 100 ms of device time apart. */
export function goodFrame(seq: number, ts0 = 1_700_000_000_000): string {
  return frameAt(seq, ts0 + seq * 100);
}

/** A valid frame of board-1 stamped `tsMs`. */
export function frameAt(seq: number, tsMs: number): string {
  return encodeFrame({ deviceId: 'board-1', seq, tsMs, channels: [{ channel: 0, counts: 1000 + 100 * 400 * (seq % 20) }, { channel: 1, counts: -500 + 50 * 1030 * (seq % 12) }] });
}

/**
 * Serial lines (printable ASCII only: a pty passes those unchanged), without terminator:
 * random text, over-long lines, single-character mutations of valid frames (CRC-16 catches
 * every one), and valid frames from another board's port.
 */
export function badSerialLines(n: number): string[] {
  const valid = fc.integer({ min: 1, max: 1_000_000 }).map((seq) => goodFrame(seq).trimEnd());
  const mutated = fc.tuple(valid, fc.nat(), fc.integer({ min: 0x20, max: 0x7e })).map(([line, at, code]) => {
    const i = at % line.length;
    const c = String.fromCharCode(code === line.charCodeAt(i) ? (code === 0x7e ? 0x20 : code + 1) : code);
    return line.slice(0, i) + c + line.slice(i + 1);
  });
  const foreign = fc.integer({ min: 1, max: 1_000_000 }).map((seq) => encodeFrame({ deviceId: 'board-9', seq, tsMs: seq, channels: [{ channel: 0, counts: seq }] }).trimEnd());
  const arb = fc.oneof(
    { arbitrary: printable(1, 80), weight: 400 },
    { arbitrary: printable(1, 60).map((s) => `$SW1,board-1,${s}`), weight: 200 },
    { arbitrary: mutated, weight: 300 },
    { arbitrary: foreign, weight: 100 },
    { arbitrary: printable(1025, 1500), weight: 2 },
  );
  return sample(arb, n, 1);
}

/** MQTT probe payloads that are not a valid ProbeMessage: bad JSON, wrong shapes, wrong types, binary. */
export function badProbePayloads(n: number): Buffer[] {
  const good = { seq: 1, ts: 1_700_000_000_000, tempC: 3, batteryPct: 90, rssiDbm: -60 };
  const keys = Object.keys(good);
  const wrongField = fc.tuple(fc.constantFrom(...keys), jsonValue()).map(([k, v]) => JSON.stringify({ ...good, [k]: v }));
  const arb = fc.oneof(
    fc.json({ maxDepth: 2, depthSize: 'xsmall' }),
    wrongField,
    fc.string().map((s) => `{"seq":${s}`),
    fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
    dict().map((o) => JSON.stringify(o)),
  );
  return sample(arb, n * 2, 2)
    .filter((p) => !parsePayload('probe', p).ok)
    .slice(0, n)
    .map((p) => Buffer.from(p, 'latin1'));
}

/** Text that is never JSON: the parser refuses it before any route runs. */
const notJson = fc.oneof(printable(1, 60).map((s) => `x${s}`), dict(1).map((o) => JSON.stringify(o).slice(0, -1)));

export interface BadRequest {
  path: 'ingest' | 'deliveries' | 'done';
  body: string;
}

/** API bodies each answered 4xx: malformed JSON, or JSON the route's zod schema refuses. */
export function badApiBodies(n: number): BadRequest[] {
  const reading = { kind: 'probe.temperature', id: 'probe-1:9', storeId: 'store-1', deviceId: 'probe-1', ts: 1_700_000_000_000, caseId: 'case-1', placement: 'air', tempC: 3, fault: null, batteryPct: 90, rssiDbm: -60 };
  const readingKeys = Object.keys(reading);
  const badIngestJson = fc.oneof(
    jsonValue(),
    fc.tuple(fc.constantFrom(...readingKeys), jsonValue()).map(([k, v]) => ({ gatewayId: 'gw-1', readings: [{ ...reading, [k]: v }] })),
    jsonValue().map((v) => ({ gatewayId: v, readings: [reading] })),
  );
  const ingest = fc.oneof(notJson, badIngestJson.filter((v) => !IngestBatch.safeParse(v).success).map((v) => JSON.stringify(v)));
  const delivery = { storeId: 'store-1', requestId: 'r-1', deliveryId: 'd-1', expectedAt: 1_700_000_000_000, lines: [{ sku: 'SKU-BEANS', quantity: 12 }] };
  const deliveryKeys = Object.keys(delivery);
  const deliveryJson = fc.oneof(
    fc.tuple(fc.constantFrom(...deliveryKeys), fc.oneof(fc.constant(null), fc.string(), fc.double(), fc.array(jsonValue(), { maxLength: 3 }))).map(([k, v]) => JSON.stringify({ ...delivery, [k]: v, lines: k === 'lines' ? v : [{ sku: 'SKU-BEANS', quantity: -1 }] })),
    dict().map((o) => JSON.stringify(o)),
  );
  const deliveries = fc.oneof(notJson, deliveryJson.filter((text) => !DeliveryConfirmation.safeParse(JSON.parse(text)).success));
  // A task-done body must be an object: arrays and broken JSON are refused.
  const done = fc.oneof(notJson, fc.array(jsonValue(), { maxLength: 4 }).map((a) => JSON.stringify(a)));
  const arb = fc.oneof(
    ingest.map((body): BadRequest => ({ path: 'ingest', body })),
    deliveries.map((body): BadRequest => ({ path: 'deliveries', body })),
    done.map((body): BadRequest => ({ path: 'done', body })),
  );
  return sample(arb, n, 3);
}

/**
 * Event times outside the default bounds around `now` (5 min ahead, 24 h behind at the
 * gateway, 47 h at the backend): from an hour ahead (clear of the edge however long the
 * drill runs) to the end of representable time, and from two days behind to 1970. The
 * offsets are seeded; `now` anchors them.
 */
export function outOfBoundTimes(n: number, now: number, seedOffset: number): number[] {
  const ahead = fc.integer({ min: now + 3_600_000, max: 8_640_000_000_000 });
  const behind = fc.integer({ min: 0, max: now - 48 * 3_600_000 });
  return sample(fc.oneof(ahead, behind), n, seedOffset);
}

/** Valid probe payloads whose device clock is out of bounds (a year-2100 clock, a reset one). */
export function outOfBoundProbePayloads(n: number, now: number): Buffer[] {
  return outOfBoundTimes(n, now, 4).map((ts, i) => Buffer.from(JSON.stringify({ seq: 1_000_000 + i, ts, tempC: 3.5, batteryPct: 90, rssiDbm: -60 })));
}

/** Sizes of MQTT payloads over the broker's 64 KiB cap, up to 4 MB. */
export function oversizedPayloadSizes(n: number): number[] {
  return sample(fc.integer({ min: 64 * 1024 + 1, max: 4 * 1024 * 1024 }), n, 5);
}

/**
 * API bodies each answered 4xx for their time or their size: ingest batches whose readings
 * are valid but out of the backend's event-time bound (422), and bodies over a route's
 * limit (413): task-done notes past 64 KB, delivery confirmations past 1 MB.
 */
export function timeAndSizeApiBodies(n: number, now: number): BadRequest[] {
  const times = outOfBoundTimes(n, now, 6);
  const sizes = sample(fc.integer({ min: 0, max: 200_000 }), n, 7);
  return times.map((ts, i): BadRequest => {
    if (i % 25 === 0) return { path: 'done', body: JSON.stringify({ note: 'n'.repeat(64 * 1024 + sizes[i]!) }) };
    if (i % 25 === 1) return { path: 'deliveries', body: JSON.stringify({ storeId: 'store-1', deliveryId: 'd-big', expectedAt: now, lines: [{ sku: 'SKU-BEANS', quantity: 1 }], pad: 'p'.repeat(1024 * 1024 + sizes[i]!) }) };
    const reading = { kind: 'probe.temperature', id: `probe-1:t${i}`, storeId: 'store-1', deviceId: 'probe-1', ts, caseId: 'case-1', placement: 'air', tempC: 3, fault: null, batteryPct: 90, rssiDbm: -60 };
    return { path: 'ingest', body: JSON.stringify({ gatewayId: 'gw-1', readings: [reading] }) };
  });
}
