import type { Reading } from './readings.js';

/**
 * InfluxDB 1.x schema: the one place that says which measurement, tags and fields a
 * reading becomes. Tags are identifiers with bounded cardinality (store, shelf, slot,
 * sku, case, probe, device); values are fields. The reading id is not a tag (it would
 * make every point its own series); instead it sets the sub-millisecond part of the
 * timestamp, so a retried write lands on the same point and never double counts.
 */
export const INFLUX_DATABASE = 'shelfwatch';

export const RETENTION = {
  /** Raw readings: enough for troubleshooting and the live dashboards. */
  raw: { name: 'raw', duration: '14d', default: true },
  /** Downsampled temperature records for food-safety audits (EU practice: keep at least a year). */
  audit: { name: 'audit', duration: '800d', default: false },
  /** Downsampled stock, task and device-health trends. */
  trend: { name: 'trend', duration: '180d', default: false },
} as const;

export const MEASUREMENTS = {
  shelfWeight: 'shelf_weight',
  cameraSlot: 'camera_slot',
  probeTemperature: 'probe_temperature',
  caseController: 'case_controller',
  deviceStatus: 'device_status',
  /** Written by the backend: one point per task lifecycle event.
   *  tags: store, kind, event (raised|acknowledged|done|resolved|escalated), severity
   *  fields: task_id (string), seconds_since_raised (float; 0 for raised), count (int, 1) */
  taskEvent: 'task_event',
  /** Written by the backend once per minute of event time, from the rules' state.
   *  kpi_availability  tags: store, aisle  fields: on_shelf_pct (float), oos_slots (int), slots (int)
   *  kpi_compliance    tags: store, shelf  fields: compliance_pct (float)
   *  kpi_open_tasks    tags: store, kind   fields: open (int; every kind, 0 when none is open)
   *  kpi_case          tags: store, case   fields: minutes_above_limit (float), in_alarm (bool),
   *                    service_needed (bool); once known: duty_pct, capacity_pct_of_normal (float)
   *  kpi_slot_forecast tags: store, aisle, slot, sku  fields: units (int), sales_per_hour (float),
   *                    minutes_to_empty (float, absent beyond a day); and, stamped an hour AHEAD,
   *                    units_forecast_1h (float): what the forecast expects then (forecast vs actual) */
  kpiAvailability: 'kpi_availability',
  kpiCompliance: 'kpi_compliance',
  kpiOpenTasks: 'kpi_open_tasks',
  kpiCase: 'kpi_case',
  kpiSlotForecast: 'kpi_slot_forecast',
  /** Written by the gateway every 10 s: its own counters (cumulative since its start) and gauges.
   *  Three point shapes share the measurement (see dashboards/README.md):
   *  per input and reason  tags: store, gateway, input (serial|mqtt|opcua), reason   fields: rejected (int)
   *  per sink              tags: store, gateway, sink (influx|backend)                fields: written (int), outbox_depth (int), outbox_age_s (float)
   *  per sink and reason   tags: store, gateway, sink, reason (refused|poison)        fields: dead_lettered (int) */
  gatewayStats: 'gateway_stats',
} as const;

/**
 * A field value. A JS number is written as a float; an integer field is `{ int: n }` (written
 * with the `i` suffix). A field keeps the type of its first write: a float written once makes
 * every later integer a "field type conflict", so each field's type is fixed here.
 */
export type FieldValue = number | boolean | string | IntegerField;
export interface IntegerField {
  readonly int: number;
}
export const intField = (n: number): IntegerField => ({ int: n });

export interface InfluxPointShape {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Nanoseconds since the epoch, as a decimal string (write with precision 'n'). */
  timestampNs: string;
}

/** FNV-1a 32-bit: a stable, fast hash; not for security. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Event time in ms plus a sub-ms offset derived from the reading id (stable across retries). */
export function pointTimestampNs(tsMs: number, readingIdValue: string): string {
  const subMs = fnv1a32(readingIdValue) % 1_000_000;
  return (BigInt(tsMs) * 1_000_000n + BigInt(subMs)).toString();
}

export function readingToPoint(r: Reading): InfluxPointShape {
  const timestampNs = pointTimestampNs(r.ts, r.id);
  switch (r.kind) {
    case 'shelf.weight':
      return {
        measurement: MEASUREMENTS.shelfWeight,
        tags: { store: r.storeId, shelf: r.shelfId, slot: r.slotId, sku: r.sku, device: r.deviceId },
        fields: { raw_counts: r.rawCounts, grams: r.grams, units: r.units, stable: r.stable, fault: r.fault ?? '' },
        timestampNs,
      };
    case 'camera.slot':
      return {
        measurement: MEASUREMENTS.cameraSlot,
        tags: { store: r.storeId, shelf: r.shelfId, slot: r.slotId, device: r.deviceId },
        fields: { sku_seen: r.skuSeen ?? '', facings: r.facings, gap: r.gap, confidence: r.confidence },
        timestampNs,
      };
    case 'probe.temperature': {
      const fields: Record<string, FieldValue> = { battery_pct: r.batteryPct, rssi_dbm: r.rssiDbm, fault: r.fault ?? '' };
      if (r.tempC !== null) fields.temp_c = r.tempC;
      return {
        measurement: MEASUREMENTS.probeTemperature,
        tags: { store: r.storeId, case: r.caseId, probe: r.deviceId, placement: r.placement },
        fields,
        timestampNs,
      };
    }
    case 'case.air_temperature':
      return controllerPoint(r, { air_temp_c: r.tempC }, timestampNs);
    case 'case.setpoint':
      return controllerPoint(r, { setpoint_c: r.tempC }, timestampNs);
    case 'case.defrost':
      return controllerPoint(r, { defrost: r.active }, timestampNs);
    case 'case.door':
      return controllerPoint(r, { door_open: r.open }, timestampNs);
    case 'case.compressor':
      return controllerPoint(r, { compressor: r.running }, timestampNs);
    case 'device.status':
      return {
        measurement: MEASUREMENTS.deviceStatus,
        tags: { store: r.storeId, device: r.deviceId, device_kind: r.deviceKind },
        fields: { online: r.online, detail: r.detail },
        timestampNs,
      };
  }
}

function controllerPoint(
  r: Extract<Reading, { caseId: string }>,
  fields: Record<string, FieldValue>,
  timestampNs: string,
): InfluxPointShape {
  return {
    measurement: MEASUREMENTS.caseController,
    tags: { store: r.storeId, case: r.caseId, controller: r.deviceId },
    fields,
    timestampNs,
  };
}

export interface InfluxEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/**
 * The node-influx connection options for an InfluxDB URL. A URL without a port means the
 * scheme's port (80/443), as for every other HTTP client reading the same setting.
 * Throws on anything but http(s): a configuration error, caught when config is checked.
 */
export function influxEndpoint(url: string): InfluxEndpoint {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`InfluxDB URL must be http(s), got ${parsed.protocol}`);
  const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
  return { host: parsed.hostname, port: parsed.port === '' ? (protocol === 'https' ? 443 : 80) : Number(parsed.port), protocol };
}
