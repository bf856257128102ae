import { z } from 'zod';
import { DeviceId, EpochMs, Seq, Sku, SlotId, StoreId, isId } from './ids.js';

/**
 * MQTT topic map. Every device publishes only under its own prefix
 *   sw/v1/<storeId>/<deviceId>/
 * which the broker enforces, and each channel below has exactly one payload schema.
 */
export const TOPIC_ROOT = 'sw/v1';

export const ProbeMessage = z
  .object({
    seq: Seq,
    ts: EpochMs,
    /** Null only together with a fault code: the thermistor reads nothing usable. */
    tempC: z.number().min(-60).max(80).nullable(),
    fault: z.enum(['open_circuit', 'short_circuit']).nullable().default(null),
    batteryPct: z.number().min(0).max(100),
    rssiDbm: z.number().min(-140).max(0),
  })
  .strict()
  .refine((m) => (m.tempC === null) === (m.fault !== null), {
    message: 'tempC must be null exactly when a fault is reported',
    path: ['tempC'],
  });
export type ProbeMessage = z.infer<typeof ProbeMessage>;

export const CameraSlotObservation = z
  .object({
    slotId: SlotId,
    /** The SKU the recogniser sees at this slot; null when nothing is recognised. */
    sku: Sku.nullable(),
    facings: z.number().int().min(0).max(100),
    gap: z.boolean(),
    confidence: z.number().min(0).max(1),
  })
  .strict();
export type CameraSlotObservation = z.infer<typeof CameraSlotObservation>;

export const CameraScanMessage = z
  .object({
    seq: Seq,
    ts: EpochMs,
    slots: z.array(CameraSlotObservation).min(1).max(200),
  })
  .strict();
export type CameraScanMessage = z.infer<typeof CameraScanMessage>;

export const DeviceStatusMessage = z
  .object({
    online: z.boolean(),
    ts: EpochMs,
    /** Why: "boot", "shutdown", "lwt" (the broker published the last will), ... */
    reason: z.string().max(120).default(''),
    firmware: z.string().max(40).optional(),
  })
  .strict();
export type DeviceStatusMessage = z.infer<typeof DeviceStatusMessage>;

/** Topic channel → payload schema, QoS and retain flag. One place, used by publishers and subscribers. */
export const TOPICS = {
  probe: { schema: ProbeMessage, qos: 1, retain: false },
  scan: { schema: CameraScanMessage, qos: 1, retain: false },
  status: { schema: DeviceStatusMessage, qos: 1, retain: true },
} as const;
export type TopicChannel = keyof typeof TOPICS;
export const TOPIC_CHANNELS = Object.keys(TOPICS) as TopicChannel[];

export type TopicPayload<C extends TopicChannel> = z.infer<(typeof TOPICS)[C]['schema']>;

export function devicePrefix(storeId: string, deviceId: string): string {
  return `${TOPIC_ROOT}/${storeId}/${deviceId}/`;
}

export function deviceTopic(storeId: string, deviceId: string, channel: TopicChannel): string {
  return `${devicePrefix(storeId, deviceId)}${channel}`;
}

export interface ParsedTopic {
  storeId: string;
  deviceId: string;
  channel: TopicChannel;
}

/** Parses a device topic; null for anything that is not exactly sw/v1/<store>/<device>/<channel>. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return null;
  const [, , storeId, deviceId, channel] = parts as [string, string, string, string, string];
  if (!isId(storeId) || !isId(deviceId)) return null;
  if (!(TOPIC_CHANNELS as string[]).includes(channel)) return null;
  return { storeId, deviceId, channel: channel as TopicChannel };
}

export type PayloadResult<C extends TopicChannel> =
  | { ok: true; value: TopicPayload<C> }
  | { ok: false; reason: 'bad_json' | 'schema'; detail: string };

/** Parses and validates a payload for a channel. Never throws. */
export function parsePayload<C extends TopicChannel>(channel: C, payload: Buffer | string): PayloadResult<C> {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'bad_json', detail: (err as Error).message };
  }
  const parsed = TOPICS[channel].schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'schema', detail: z.prettifyError(parsed.error) };
  return { ok: true, value: parsed.data as TopicPayload<C> };
}

export const StoreDeviceRef = z.object({ storeId: StoreId, deviceId: DeviceId });
