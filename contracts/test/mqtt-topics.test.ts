import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceTopic, devicePrefix, parsePayload, parseTopic, TOPIC_CHANNELS } from '../src/mqtt-topics.js';

describe('MQTT topic map', () => {
  it('builds and parses device topics', () => {
    const topic = deviceTopic('store-1', 'probe-7', 'probe');
    expect(topic).toBe('sw/v1/store-1/probe-7/probe');
    expect(topic.startsWith(devicePrefix('store-1', 'probe-7'))).toBe(true);
    expect(parseTopic(topic)).toEqual({ storeId: 'store-1', deviceId: 'probe-7', channel: 'probe' });
  });

  it('refuses topics outside the map', () => {
    for (const t of ['sw/v1/store-1/probe-7', 'sw/v1/store-1/probe-7/probe/x', 'sw/v2/s/d/probe', 'sw/v1/S/d/probe', 'sw/v1/s/d/other', 'sw/v1/s/+/probe']) {
      expect(parseTopic(t)).toBeNull();
    }
  });

  it('validates a probe payload and explains a bad one', () => {
    expect(parsePayload('probe', JSON.stringify({ seq: 1, ts: 1, tempC: 3.2, batteryPct: 90, rssiDbm: -70 }))).toMatchObject({ ok: true });
    expect(parsePayload('probe', JSON.stringify({ seq: 1, ts: 1, tempC: null, fault: 'open_circuit', batteryPct: 90, rssiDbm: -70 }))).toMatchObject({ ok: true });
    const bad = parsePayload('probe', JSON.stringify({ seq: -1, ts: 1, tempC: 3.2, batteryPct: 90, rssiDbm: -70 }));
    expect(bad).toMatchObject({ ok: false, reason: 'schema' });
    expect(parsePayload('probe', '{not json')).toMatchObject({ ok: false, reason: 'bad_json' });
    // a null temperature without a fault code is a contradiction, not a reading
    expect(parsePayload('probe', JSON.stringify({ seq: 1, ts: 1, tempC: null, batteryPct: 90, rssiDbm: -70 }))).toMatchObject({ ok: false });
  });

  it('never throws on arbitrary payloads for any channel', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TOPIC_CHANNELS), fc.oneof(fc.string(), fc.json(), fc.uint8Array().map((b) => Buffer.from(b))), (channel, payload) => {
        const result = parsePayload(channel, payload);
        expect(typeof result.ok).toBe('boolean');
      }),
      { seed: 301, numRuns: 2000 },
    );
  });
});
