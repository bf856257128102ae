import { describe, expect, it } from 'vitest';
import { influxEndpoint, pointTimestampNs, readingToPoint } from '../src/influx-schema.js';
import { Reading, READING_KINDS } from '../src/readings.js';

describe('InfluxDB point mapping', () => {
  it('gives a retried reading the same point timestamp and different readings different ones', () => {
    expect(pointTimestampNs(1000, 'a:1')).toBe(pointTimestampNs(1000, 'a:1'));
    expect(pointTimestampNs(1000, 'a:1')).not.toBe(pointTimestampNs(1000, 'a:2'));
    expect(BigInt(pointTimestampNs(1000, 'x')) / 1_000_000n).toBe(1000n);
  });

  it('maps a probe reading to bounded tags and value fields', () => {
    const r = Reading.parse({
      id: 'probe-1:5', storeId: 's1', deviceId: 'probe-1', ts: 5000, kind: 'probe.temperature',
      caseId: 'case-1', placement: 'product', tempC: 4.5, fault: null, batteryPct: 80, rssiDbm: -60,
    });
    const p = readingToPoint(r);
    expect(p.measurement).toBe('probe_temperature');
    expect(p.tags).toEqual({ store: 's1', case: 'case-1', probe: 'probe-1', placement: 'product' });
    expect(p.fields).toMatchObject({ temp_c: 4.5, battery_pct: 80 });
  });

  it('knows every reading kind', () => {
    expect(READING_KINDS).toContain('shelf.weight');
    expect(READING_KINDS).toHaveLength(9);
  });
});

describe('influxEndpoint', () => {
  it('reads host, port and protocol, defaulting the port to the scheme’s', () => {
    expect(influxEndpoint('http://127.0.0.1:8086')).toEqual({ host: '127.0.0.1', port: 8086, protocol: 'http' });
    expect(influxEndpoint('https://influx.example')).toEqual({ host: 'influx.example', port: 443, protocol: 'https' });
    expect(() => influxEndpoint('udp://127.0.0.1:8089')).toThrow(/http\(s\)/);
  });
});
