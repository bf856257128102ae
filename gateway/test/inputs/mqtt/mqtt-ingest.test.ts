import { deviceTopic, Reading } from '@shelfwatch/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authenticateDevice, authorizeSubscription, authorizeTopic } from '../../../src/inputs/mqtt/device-auth.js';
import { MqttIngest, PublishRefused } from '../../../src/inputs/mqtt/mqtt-ingest.js';
import { FAKE_NOW, fakeContext } from '../../fixtures/fake-context.js';
import { STORE_ID, testStore } from '../../fixtures/store.js';

const store = testStore();
const probeTopic = deviceTopic(STORE_ID, 'probe-1', 'probe');

describe('device authentication and authorisation', () => {
  it('accepts only known MQTT devices with their own password', () => {
    expect(authenticateDevice(store, 'probe-1', Buffer.from('probe-1-secret'))).toBe('probe-1');
    expect(authenticateDevice(store, 'probe-1', Buffer.from('probe-2-secret'))).toBeNull();
    expect(authenticateDevice(store, 'ctrl-1', Buffer.from('whatever-123'))).toBeNull();
    expect(authenticateDevice(store, undefined, undefined)).toBeNull();
  });

  it('lets a device publish only under its own prefix and on its kind’s channels', () => {
    expect(authorizeTopic(store, 'probe-1', probeTopic).ok).toBe(true);
    expect(authorizeTopic(store, 'probe-1', deviceTopic(STORE_ID, 'probe-1', 'status')).ok).toBe(true);
    expect(authorizeTopic(store, 'probe-2', probeTopic)).toMatchObject({ ok: false, reason: 'foreign_topic' });
    expect(authorizeTopic(store, 'probe-1', deviceTopic('store-2', 'probe-1', 'probe'))).toMatchObject({ ok: false, reason: 'foreign_topic' });
    expect(authorizeTopic(store, 'probe-1', deviceTopic(STORE_ID, 'probe-1', 'scan'))).toMatchObject({ ok: false, reason: 'channel_not_allowed' });
    expect(authorizeTopic(store, 'cam-1', deviceTopic(STORE_ID, 'cam-1', 'scan')).ok).toBe(true);
    expect(authorizeTopic(store, 'probe-1', 'sw/v1/store-1/probe-1/probe/extra')).toMatchObject({ ok: false, reason: 'bad_topic' });
  });

  it('restricts subscriptions to the device’s own prefix', () => {
    expect(authorizeSubscription(store, 'probe-1', 'sw/v1/store-1/probe-1/cmd')).toBe(true);
    expect(authorizeSubscription(store, 'probe-1', 'sw/v1/store-1/+/probe')).toBe(false);
    expect(authorizeSubscription(store, 'probe-1', '#')).toBe(false);
  });
});

describe('MqttIngest (the path every publish takes)', () => {
  it('stores a valid probe reading before resolving', async () => {
    const ctx = fakeContext();
    await new MqttIngest(ctx).handle('probe-1', probeTopic, JSON.stringify({ seq: 3, ts: FAKE_NOW - 1000, tempC: 4, batteryPct: 50, rssiDbm: -70 }));
    expect(ctx.stored).toEqual([expect.objectContaining({ id: 'probe-1:3', kind: 'probe.temperature', caseId: 'case-1', tempC: 4 })]);
    expect(ctx.metrics.snapshot({}).accepted.mqtt).toBe(1);
  });

  it('acknowledges but never stores a reading from a device clock in 2100 or in 1970, counting each by reason', async () => {
    const ctx = fakeContext();
    const ingest = new MqttIngest(ctx);
    await ingest.handle('probe-1', probeTopic, JSON.stringify({ seq: 4_000_000_000, ts: 4_102_444_800_000, tempC: 4, batteryPct: 50, rssiDbm: -70 }));
    await ingest.handle('probe-1', probeTopic, JSON.stringify({ seq: 5, ts: 1000, tempC: 4, batteryPct: 50, rssiDbm: -70 }));
    await ingest.handle('probe-1', probeTopic, JSON.stringify({ seq: 6, ts: FAKE_NOW, tempC: 4, batteryPct: 50, rssiDbm: -70 }));
    expect(ctx.stored.map((r) => r.id)).toEqual(['probe-1:6']);
    const s = ctx.metrics.snapshot({});
    expect(s.rejected).toEqual({ 'mqtt:ts_ahead': 1, 'mqtt:ts_too_old': 1 });
    expect(s.accepted.mqtt).toBe(1);
  });

  it('refuses (no ack) a foreign topic and a full outbox', async () => {
    const ctx = fakeContext();
    await expect(new MqttIngest(ctx).handle('probe-2', probeTopic, '{}')).rejects.toBeInstanceOf(PublishRefused);
    const full = fakeContext({ full: true });
    await expect(new MqttIngest(full).handle('probe-1', probeTopic, JSON.stringify({ seq: 3, ts: FAKE_NOW - 1000, tempC: 4, batteryPct: 50, rssiDbm: -70 }))).rejects.toMatchObject({ reason: 'outbox_full' });
    expect(full.metrics.snapshot({}).rejected['mqtt:outbox_full']).toBe(1);
  });

  it('fuzz: arbitrary payloads on every channel never throw past the adapter, every reject is counted, every stored reading is valid', async () => {
    const topics = [probeTopic, deviceTopic(STORE_ID, 'cam-1', 'scan'), deviceTopic(STORE_ID, 'probe-1', 'status')];
    const payload = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc.json(),
      fc.record({ seq: fc.integer(), ts: fc.integer(), tempC: fc.oneof(fc.double(), fc.constant(null)), batteryPct: fc.double(), rssiDbm: fc.double() }).map((o) => JSON.stringify(o)),
      fc.record({ seq: fc.nat(), ts: fc.nat(), slots: fc.array(fc.record({ slotId: fc.constantFrom('slot-a', 'slot-b', 'x'), sku: fc.constantFrom('SKU-BEANS', null, ''), facings: fc.integer({ min: -1, max: 3 }), gap: fc.boolean(), confidence: fc.double({ min: -1, max: 2 }) }), { maxLength: 3 }) }).map((o) => JSON.stringify(o)),
      fc.record({ online: fc.boolean(), ts: fc.integer(), reason: fc.string() }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...topics), payload, async (topic, body) => {
        const ctx = fakeContext();
        const device = topic.split('/')[3]!;
        await new MqttIngest(ctx).handle(device, topic, body);
        const s = ctx.metrics.snapshot({});
        const rejects = Object.values(s.rejected).reduce((a, b) => a + b, 0);
        expect(ctx.stored.length + rejects).toBeGreaterThan(0);
        for (const r of ctx.stored) expect(Reading.safeParse(r).success).toBe(true);
      }),
      { numRuns: 1500, seed: 21 },
    );
  }, 30_000);
});
