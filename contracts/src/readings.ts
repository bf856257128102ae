import { z } from 'zod';
import { CaseId, DeviceId, EpochMs, ShelfId, Sku, SlotId, StoreId } from './ids.js';

/**
 * The normalised reading: what the gateway stores in its outbox, writes to InfluxDB and
 * forwards to the backend. `id` is stable from the edge on (device id + device sequence
 * number, see readingId), so every hop deduplicates and every sink can be retried.
 * `ts` is event time (the device's timestamp), which is what the rules run on.
 */
const Base = {
  id: z.string().min(3).max(200),
  storeId: StoreId,
  deviceId: DeviceId,
  ts: EpochMs,
};

export const ShelfWeightReading = z
  .object({
    ...Base,
    kind: z.literal('shelf.weight'),
    shelfId: ShelfId,
    slotId: SlotId,
    sku: Sku,
    channel: z.number().int().min(0).max(63),
    rawCounts: z.number().int(),
    grams: z.number().finite(),
    /** Whole units on the shelf by weight, after calibration and the planogram's unit weight. */
    units: z.number().int().min(0),
    /** False while the signal settles or a hand is on the shelf; rules act on stable readings. */
    stable: z.boolean(),
    fault: z.enum(['saturated', 'stuck']).nullable(),
  })
  .strict();

export const CameraSlotReading = z
  .object({
    ...Base,
    kind: z.literal('camera.slot'),
    shelfId: ShelfId,
    slotId: SlotId,
    skuSeen: Sku.nullable(),
    facings: z.number().int().min(0),
    gap: z.boolean(),
    confidence: z.number().min(0).max(1),
  })
  .strict();

export const ProbeTemperatureReading = z
  .object({
    ...Base,
    kind: z.literal('probe.temperature'),
    caseId: CaseId,
    placement: z.enum(['air', 'product']),
    tempC: z.number().finite().nullable(),
    fault: z.enum(['open_circuit', 'short_circuit']).nullable(),
    batteryPct: z.number().min(0).max(100),
    rssiDbm: z.number().min(-140).max(0),
  })
  .strict();

export const CaseAirTemperatureReading = z
  .object({ ...Base, kind: z.literal('case.air_temperature'), caseId: CaseId, tempC: z.number().finite() })
  .strict();
export const CaseSetpointReading = z
  .object({ ...Base, kind: z.literal('case.setpoint'), caseId: CaseId, tempC: z.number().finite() })
  .strict();
export const CaseDefrostReading = z
  .object({ ...Base, kind: z.literal('case.defrost'), caseId: CaseId, active: z.boolean() })
  .strict();
export const CaseDoorReading = z
  .object({ ...Base, kind: z.literal('case.door'), caseId: CaseId, open: z.boolean() })
  .strict();
export const CaseCompressorReading = z
  .object({ ...Base, kind: z.literal('case.compressor'), caseId: CaseId, running: z.boolean() })
  .strict();

/**
 * Whether a device can be heard. `deviceKind: 'gateway'` is the gateway speaking of itself:
 * detail `restarted` (gatewayRestartReading), dated at the newest device event time it had
 * stored before it stopped: nothing the devices said after that was heard live.
 */
export const DeviceStatusReading = z
  .object({
    ...Base,
    kind: z.literal('device.status'),
    deviceKind: z.enum(['weight_board', 'camera', 'probe', 'controller', 'gateway']),
    online: z.boolean(),
    detail: z.string().max(200),
  })
  .strict();

export const Reading = z.discriminatedUnion('kind', [
  ShelfWeightReading,
  CameraSlotReading,
  ProbeTemperatureReading,
  CaseAirTemperatureReading,
  CaseSetpointReading,
  CaseDefrostReading,
  CaseDoorReading,
  CaseCompressorReading,
  DeviceStatusReading,
]);
export type Reading = z.infer<typeof Reading>;
export type ReadingKind = Reading['kind'];
export type ReadingOf<K extends ReadingKind> = Extract<Reading, { kind: K }>;

/** The detail of the gateway's statement that it restarted (a device.status of deviceKind `gateway`). */
export const GATEWAY_RESTARTED = 'restarted';

export function isGatewayRestart(r: Reading): boolean {
  return r.kind === 'device.status' && r.deviceKind === 'gateway' && r.detail === GATEWAY_RESTARTED;
}

/**
 * The gateway's statement that it stopped listening at `ts` (device event time) and listens
 * again. Its id depends only on the gateway and that time, so a gateway that restarts twice
 * without hearing anything in between repeats the same statement (deduplicated by id).
 */
export function gatewayRestartReading(options: { storeId: string; gatewayId: string; ts: number }): Reading {
  return {
    kind: 'device.status',
    id: readingId.status(options.gatewayId, options.ts, true),
    storeId: options.storeId,
    deviceId: options.gatewayId,
    ts: options.ts,
    deviceKind: 'gateway',
    online: true,
    detail: GATEWAY_RESTARTED,
  };
}

export const READING_KINDS: ReadingKind[] = Reading.options.map((o) => o.shape.kind.value);

export const MAX_INGEST_BATCH = 5000;

/** Body of POST /api/v1/ingest (gateway → backend). */
export const IngestBatch = z
  .object({
    gatewayId: DeviceId,
    readings: z.array(Reading).min(1).max(MAX_INGEST_BATCH),
  })
  .strict();
export type IngestBatch = z.infer<typeof IngestBatch>;

export const IngestResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
});
export type IngestResponse = z.infer<typeof IngestResponse>;

/**
 * Stable reading ids. One device message can carry several readings (a frame lists
 * channels, a scan lists slots), so the part inside the message is appended.
 */
export const readingId = {
  weight: (deviceId: string, seq: number, channel: number) => `${deviceId}:${seq}:ch${channel}`,
  camera: (deviceId: string, seq: number, slotId: string) => `${deviceId}:${seq}:${slotId}`,
  probe: (deviceId: string, seq: number) => `${deviceId}:${seq}`,
  /** OPC UA has no sequence number; the source timestamp plays its part, so a
   *  re-created subscription that repeats the last value yields the same id. */
  controller: (deviceId: string, variable: string, sourceTsMs: number) => `${deviceId}:${variable}:${sourceTsMs}`,
  status: (deviceId: string, ts: number, online: boolean) => `${deviceId}:status:${ts}:${online ? 1 : 0}`,
};
