import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { GatewayStatsReporter } from '../../../src/sinks/influx/stats-reporter.js';

describe('gateway_stats reporter', () => {
  it('writes one point per (input, reason), one per sink, and one per (sink, dead-letter reason) zeros included, as the dashboards expect', () => {
    const reporter = new GatewayStatsReporter({
      url: 'http://127.0.0.1:1',
      storeId: 's1',
      gatewayId: 'gw1',
      logger: pino({ level: 'silent' }),
      snapshot: () => ({
        stats: {
          accepted: {},
          written: { influx: 10, backend: 4 },
          rejected: { 'serial:checksum_mismatch': 3, 'mqtt:schema': 1 },
          deadLettered: { 'backend:poison': 2 },
          sequenceGaps: {},
          frameRejects: {},
          outboxPending: { influx: 0, backend: 6 },
        },
        oldestAgeS: { influx: 0, backend: 12.5 },
      }),
    });
    const points = reporter.points(1_000);
    expect(points).toContainEqual(expect.objectContaining({ tags: { store: 's1', gateway: 'gw1', input: 'serial', reason: 'checksum_mismatch' }, fields: { rejected: { int: 3 } } }));
    expect(points).toContainEqual(
      expect.objectContaining({ tags: { store: 's1', gateway: 'gw1', sink: 'backend' }, fields: { written: { int: 4 }, outbox_depth: { int: 6 }, outbox_age_s: 12.5 } }),
    );
    expect(points).toContainEqual(expect.objectContaining({ tags: { store: 's1', gateway: 'gw1', sink: 'backend', reason: 'poison' }, fields: { dead_lettered: { int: 2 } } }));
    expect(points).toContainEqual(expect.objectContaining({ tags: { store: 's1', gateway: 'gw1', sink: 'influx', reason: 'refused' }, fields: { dead_lettered: { int: 0 } } }));
    expect(points).toHaveLength(8);
  });
});
