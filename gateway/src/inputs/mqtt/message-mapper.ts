import { parsePayload, readingId, type Reading, type TopicChannel } from '@shelfwatch/contracts';
import type { StoreContext } from '../../store-context.js';
import { deviceStatusReading } from '../device-status.js';
import type { MqttDeviceKind } from './device-auth.js';

export interface MappedMessage {
  readings: Reading[];
  /** Refusals: the whole payload (bad_json, schema) or single parts (unknown_slot). */
  rejects: { reason: string; detail: string }[];
}

/** Pure: a validated device publish → normalised readings. Never throws. */
export function mapMessage(store: StoreContext, deviceId: string, kind: MqttDeviceKind, channel: TopicChannel, payload: Buffer | string): MappedMessage {
  switch (channel) {
    case 'probe': {
      const parsed = parsePayload('probe', payload);
      if (!parsed.ok) return { readings: [], rejects: [{ reason: parsed.reason, detail: parsed.detail }] };
      const probe = store.probes.get(deviceId);
      if (!probe) return { readings: [], rejects: [{ reason: 'unknown_device', detail: `'${deviceId}' is not a probe` }] };
      const m = parsed.value;
      return {
        readings: [
          {
            kind: 'probe.temperature',
            id: readingId.probe(deviceId, m.seq),
            storeId: store.storeId,
            deviceId,
            ts: m.ts,
            caseId: probe.caseId,
            placement: probe.placement,
            tempC: m.tempC,
            fault: m.fault,
            batteryPct: m.batteryPct,
            rssiDbm: m.rssiDbm,
          },
        ],
        rejects: [],
      };
    }
    case 'scan': {
      const parsed = parsePayload('scan', payload);
      if (!parsed.ok) return { readings: [], rejects: [{ reason: parsed.reason, detail: parsed.detail }] };
      const inView = store.cameras.get(deviceId) ?? new Set<string>();
      const out: MappedMessage = { readings: [], rejects: [] };
      const m = parsed.value;
      for (const obs of m.slots) {
        const slot = store.slotsById.get(obs.slotId);
        if (!slot || !inView.has(obs.slotId)) {
          out.rejects.push({ reason: 'unknown_slot', detail: `slot '${obs.slotId}' is not in view of camera '${deviceId}'` });
          continue;
        }
        out.readings.push({
          kind: 'camera.slot',
          id: readingId.camera(deviceId, m.seq, obs.slotId),
          storeId: store.storeId,
          deviceId,
          ts: m.ts,
          shelfId: slot.shelf.id,
          slotId: obs.slotId,
          skuSeen: obs.sku,
          facings: obs.facings,
          gap: obs.gap,
          confidence: obs.confidence,
        });
      }
      return out;
    }
    case 'status': {
      const parsed = parsePayload('status', payload);
      if (!parsed.ok) return { readings: [], rejects: [{ reason: parsed.reason, detail: parsed.detail }] };
      const m = parsed.value;
      return { readings: [deviceStatusReading({ storeId: store.storeId, deviceId, deviceKind: kind, online: m.online, ts: m.ts, detail: m.reason })], rejects: [] };
    }
  }
}
