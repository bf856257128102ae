import { describe, expect, it } from 'vitest';
import { continuousQueryStatements, downsampleBackfillStatements, downsamples, influxSetupStatements, MEASUREMENTS, RETENTION } from '../src/index.js';

describe('continuous queries', () => {
  it('each is a DROP followed by the CREATE of the same name, so setup is idempotent and applies changed definitions', () => {
    const statements = continuousQueryStatements('db1');
    expect(statements).toHaveLength(2 * downsamples().length);
    downsamples().forEach((d, i) => {
      expect(statements[2 * i]).toBe(`DROP CONTINUOUS QUERY "${d.name}" ON "db1"`);
      expect(statements[2 * i + 1]).toMatch(new RegExp(`^CREATE CONTINUOUS QUERY "${d.name}" ON "db1" RESAMPLE EVERY ${d.bucket} FOR ${d.resampleFor} BEGIN SELECT .* INTO "db1"\\."${d.rp}"\\."${d.into}" FROM "db1"\\."raw"\\."${d.from}" GROUP BY time\\(${d.bucket}\\)`));
    });
  });

  it('names are unique, read only known measurements and write only into the audit and trend policies', () => {
    const names = downsamples().map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of downsamples()) {
      expect(Object.values(MEASUREMENTS)).toContain(d.from);
      expect([RETENTION.audit.name, RETENTION.trend.name]).toContain(d.rp);
    }
  });

  it('keeps store, case, probe/controller and placement on the 5-minute temperature records', () => {
    const byName = Object.fromEntries(downsamples().map((d) => [d.name, d]));
    expect(byName.probe_temperature_5m).toMatchObject({ rp: 'audit', bucket: '5m', tags: ['store', 'case', 'probe', 'placement'] });
    expect(byName.case_controller_5m).toMatchObject({ rp: 'audit', bucket: '5m', tags: ['store', 'case', 'controller'] });
  });

  it('influxSetupStatements ends with them, after the database and retention policies', () => {
    const all = influxSetupStatements('db1');
    expect(all[0]).toBe('CREATE DATABASE "db1"');
    expect(all.slice(-continuousQueryStatements('db1').length)).toEqual(continuousQueryStatements('db1'));
  });

  it('backfill statements are the same queries over an explicit time range', () => {
    const backfill = downsampleBackfillStatements(1_000, 61_000, 'db1');
    const creates = continuousQueryStatements('db1').filter((s) => s.startsWith('CREATE'));
    backfill.forEach((b, i) => {
      expect(b).toContain(' WHERE time >= 1000ms AND time < 61000ms GROUP BY ');
      expect(creates[i]).toContain(b.replace(' WHERE time >= 1000ms AND time < 61000ms', ''));
    });
  });
});
