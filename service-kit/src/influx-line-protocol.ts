import type { FieldValue, InfluxPointShape } from '@shelfwatch/contracts';

/** A point that cannot be put into line protocol: the data's fault, so never worth a retry. */
export class LineProtocolError extends Error {
  override readonly name = 'LineProtocolError';
}

function escape(text: string, special: RegExp, what: string): string {
  if (text === '') throw new LineProtocolError(`empty ${what}`);
  // Line protocol has no escape for a line break outside a string field: it would end the point.
  if (/[\r\n]/.test(text)) throw new LineProtocolError(`${what} ${JSON.stringify(text)} contains a line break`);
  return text.replace(special, (c) => `\\${c}`);
}
const measurement = (s: string) => escape(s, /[, ]/g, 'measurement');
const key = (s: string, what: string) => escape(s, /[,= ]/g, what);

function finite(v: number, field: string): number {
  if (!Number.isFinite(v)) throw new LineProtocolError(`field ${field} is ${v}`);
  return v;
}

function fieldValue(v: FieldValue, field: string): string {
  if (typeof v === 'object') return `${Math.round(finite(v.int, field))}i`;
  // A bare number is a float to InfluxDB, with or without a decimal point.
  if (typeof v === 'number') return String(finite(v, field));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * A series (measurement and tags) to its encoded form. A store has a few thousand series and
 * each is written every second or so: encoding its tags once (escaping, sorting) instead of
 * per point makes a 5,000-point batch several times cheaper on the thread that serves devices.
 */
const seriesCache = new Map<string, string>();
const SERIES_CACHE_MAX = 100_000;

function encodeSeries(p: InfluxPointShape): string {
  const tags = Object.entries(p.tags)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `,${key(k, 'tag key')}=${key(v, 'tag value')}`)
    .join('');
  return `${measurement(p.measurement)}${tags}`;
}

function series(p: InfluxPointShape): string {
  let id = p.measurement;
  // Separators that cannot occur in a valid tag make the id unambiguous.
  for (const k in p.tags) id += `\n${k}\r${p.tags[k]}`;
  let encoded = seriesCache.get(id);
  if (encoded === undefined) {
    encoded = encodeSeries(p);
    if (seriesCache.size >= SERIES_CACHE_MAX) seriesCache.clear();
    seriesCache.set(id, encoded);
  }
  return encoded;
}

const INTEGER = /^-?\d+$/;
/** Field keys are a handful per measurement: escaped once each. */
const fieldKeys = new Map<string, string>();
function fieldKey(k: string): string {
  let escaped = fieldKeys.get(k);
  if (escaped === undefined) {
    escaped = key(k, 'field key');
    if (fieldKeys.size < 1_000) fieldKeys.set(k, escaped);
  }
  return escaped;
}

/**
 * One point in InfluxDB 1.x line protocol. Tags are sorted (what InfluxDB recommends) and
 * empty tag values left out (InfluxDB refuses them; a missing tag reads as empty anyway).
 */
export function pointLine(p: InfluxPointShape): string {
  let fields = '';
  for (const k in p.fields) fields += `${fields === '' ? '' : ','}${fieldKey(k)}=${fieldValue(p.fields[k]!, k)}`;
  if (fields === '') throw new LineProtocolError(`point of ${p.measurement} has no fields`);
  if (!INTEGER.test(p.timestampNs)) throw new LineProtocolError(`timestamp ${JSON.stringify(p.timestampNs)} is not integer nanoseconds`);
  return `${series(p)} ${fields} ${p.timestampNs}`;
}

export function toLineProtocol(points: readonly InfluxPointShape[]): string {
  return points.map(pointLine).join('\n');
}
