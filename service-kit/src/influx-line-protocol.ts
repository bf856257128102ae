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
 * One point in InfluxDB 1.x line protocol. Tags are sorted (what InfluxDB recommends) and
 * empty tag values left out (InfluxDB refuses them; a missing tag reads as empty anyway).
 */
export function pointLine(p: InfluxPointShape): string {
  const tags = Object.entries(p.tags)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `,${key(k, 'tag key')}=${key(v, 'tag value')}`)
    .join('');
  const fields = Object.entries(p.fields).map(([k, v]) => `${key(k, 'field key')}=${fieldValue(v, k)}`);
  if (fields.length === 0) throw new LineProtocolError(`point of ${p.measurement} has no fields`);
  if (!/^-?\d+$/.test(p.timestampNs)) throw new LineProtocolError(`timestamp ${JSON.stringify(p.timestampNs)} is not integer nanoseconds`);
  return `${measurement(p.measurement)}${tags} ${fields.join(',')} ${p.timestampNs}`;
}

export function toLineProtocol(points: readonly InfluxPointShape[]): string {
  return points.map(pointLine).join('\n');
}
