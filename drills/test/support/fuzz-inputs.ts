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
  return encodeFrame({ deviceId: 'board-1', seq, tsMs: ts0 + seq * 100, channels: [{ channel: 0, counts: 1000 + 100 * 400 * (seq % 20) }, { channel: 1, counts: -500 + 50 * 1030 * (seq % 12) }] });
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
