import { RETENTION } from '@shelfwatch/contracts';
import type { InfluxDB } from 'influx';
import type { AuditBucket, SensorSeries } from './haccp.js';

interface RawSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: (number | null)[][];
}
interface RawResults {
  results?: { series?: RawSeries[]; error?: string }[];
}

export interface AuditQuery {
  influx: InfluxDB;
  database: string;
  caseId: string;
  storeId?: string;
  from: number;
  to: number;
}

/** An identifier already validated as [a-z0-9_-]; quoted as an InfluxQL string literal. */
const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function buckets(series: RawSeries, prefix: string): AuditBucket[] {
  const col = (name: string) => series.columns.indexOf(name);
  const [t, mean, min, max, samples] = ['time', `${prefix}_mean`, `${prefix}_min`, `${prefix}_max`, 'samples'].map(col) as [number, number, number, number, number];
  const out: AuditBucket[] = [];
  for (const row of series.values) {
    const [tv, meanv, minv, maxv] = [row[t], row[mean], row[min], row[max]];
    if (typeof tv !== 'number' || typeof meanv !== 'number' || typeof minv !== 'number' || typeof maxv !== 'number') continue;
    out.push({ t: tv, mean: meanv, min: minv, max: maxv, samples: row[samples] ?? 0 });
  }
  return out;
}

/**
 * Reads a case's 5-minute audit series (probes and the controller's air sensor) from the
 * "audit" retention policy, which keeps them for 800 days.
 */
export async function loadAuditSeries(q: AuditQuery): Promise<SensorSeries[]> {
  const where = [`"case" = ${literal(q.caseId)}`, `time >= ${Math.floor(q.from)}ms`, `time < ${Math.ceil(q.to)}ms`];
  if (q.storeId !== undefined) where.push(`"store" = ${literal(q.storeId)}`);
  const audit = `"${q.database}"."${RETENTION.audit.name}"`;
  const statements = [
    `SELECT "temp_c_mean", "temp_c_min", "temp_c_max", "samples" FROM ${audit}."probe_temperature_5m" WHERE ${where.join(' AND ')} GROUP BY "probe", "placement"`,
    `SELECT "air_temp_c_mean", "air_temp_c_min", "air_temp_c_max", "samples" FROM ${audit}."case_controller_5m" WHERE ${where.join(' AND ')} GROUP BY "controller"`,
  ];
  const raw = (await q.influx.queryRaw(statements.join('; '), { database: q.database, precision: 'ms' })) as RawResults;
  const [probes, controllers] = raw.results ?? [];
  for (const r of raw.results ?? []) if (r.error) throw new Error(`InfluxDB: ${r.error}`);
  const out: SensorSeries[] = [];
  for (const s of probes?.series ?? []) {
    const placement = s.tags?.placement === 'air' ? 'air' : 'product';
    out.push({ sensor: s.tags?.probe ?? 'unknown', source: 'probe', placement, buckets: buckets(s, 'temp_c') });
  }
  for (const s of controllers?.series ?? []) {
    out.push({ sensor: s.tags?.controller ?? 'unknown', source: 'controller', placement: 'air', buckets: buckets(s, 'air_temp_c') });
  }
  return out;
}
