/**
 * InfluxDB 1.x line protocol, written by hand so integer fields carry their `i` suffix
 * exactly as contracts' MEASUREMENTS says (a float written once makes later ints a
 * "field type conflict").
 */
export type LineField = { int: number } | number | boolean | string;

const escapeKey = (s: string) => s.replace(/[,= ]/g, (c) => `\\${c}`);
const escapeMeasurement = (s: string) => s.replace(/[, ]/g, (c) => `\\${c}`);

function fieldValue(v: LineField): string {
  if (typeof v === 'object') return `${Math.round(v.int)}i`;
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}.0` : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function toLine(measurement: string, tags: Record<string, string>, fields: Record<string, LineField>, timestampNs: string): string {
  const tagPart = Object.entries(tags)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`)
    .join('');
  const fieldPart = Object.entries(fields)
    .map(([k, v]) => `${escapeKey(k)}=${fieldValue(v)}`)
    .join(',');
  return `${escapeMeasurement(measurement)}${tagPart} ${fieldPart} ${timestampNs}`;
}
