import type { FieldValue, InfluxPointShape } from '@shelfwatch/contracts';

/** Integer fields are written with the `i` suffix, as the backend's exporter does. */
export type LineField = FieldValue | { int: number };

const escapeKey = (s: string) => s.replace(/[,= ]/g, (c) => `\\${c}`);

function field(v: LineField): string {
  if (typeof v === 'object') return `${Math.trunc(v.int)}i`;
  if (typeof v === 'string') return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // node-influx (the gateway's client) writes every JS number as a float.
  return Number.isInteger(v) ? `${v}` : `${v}`;
}

export function line(measurement: string, tags: Record<string, string>, fields: Record<string, LineField>, timestampNs: string): string {
  const tagText = Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`)
    .join('');
  const fieldText = Object.entries(fields)
    .map(([k, v]) => `${escapeKey(k)}=${field(v)}`)
    .join(',');
  return `${escapeKey(measurement)}${tagText} ${fieldText} ${timestampNs}`;
}

export function pointLine(p: InfluxPointShape): string {
  return line(p.measurement, p.tags, p.fields, p.timestampNs);
}

export async function writeLines(url: string, db: string, lines: string[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 5000) {
    const res = await fetch(`${url}/write?db=${encodeURIComponent(db)}&precision=n`, { method: 'POST', body: lines.slice(i, i + 5000).join('\n') });
    if (!res.ok) throw new Error(`write failed ${res.status}: ${await res.text()}`);
  }
}

export async function runStatements(url: string, statements: string[]): Promise<void> {
  for (const q of statements) {
    const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
    const body = (await res.json()) as { results?: { error?: string }[]; error?: string };
    const error = body.error ?? body.results?.find((r) => r.error)?.error;
    if (!res.ok || error) throw new Error(`'${q}': ${error ?? res.status}`);
  }
}
