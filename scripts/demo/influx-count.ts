import { INFLUX_DATABASE, MEASUREMENTS } from '@shelfwatch/contracts';
import { influxQuery, rowsOf } from '@shelfwatch/test-support';

/**
 * Sensor readings found in InfluxDB, counted the way the simulator counts what it sent:
 * one point per channel per frame, per slot per scan, per probe message, per controller
 * value change (device status points are not sensor readings). Each count uses a field
 * that every point of its kind carries; controller points carry exactly one field each.
 */
const COUNTS: [kind: 'serial' | 'camera' | 'probe' | 'opcua', measurement: string, fields: string[]][] = [
  ['serial', MEASUREMENTS.shelfWeight, ['raw_counts']],
  ['camera', MEASUREMENTS.cameraSlot, ['facings']],
  ['probe', MEASUREMENTS.probeTemperature, ['battery_pct']],
  ['opcua', MEASUREMENTS.caseController, ['air_temp_c', 'setpoint_c', 'defrost', 'door_open', 'compressor']],
];

export interface SensorPointCounts {
  total: number;
  /** Keyed like the simulator's readingsByKind, so the two compare line by line. */
  byKind: Record<'serial' | 'camera' | 'probe' | 'opcua', number>;
}

export async function countSensorPoints(url: string, database = INFLUX_DATABASE): Promise<SensorPointCounts> {
  const byKind = { serial: 0, camera: 0, probe: 0, opcua: 0 };
  for (const [kind, measurement, fields] of COUNTS) {
    const select = fields.map((f) => `count("${f}") AS "${f}"`).join(', ');
    const rows = rowsOf(await influxQuery(url, database, `SELECT ${select} FROM "${measurement}"`));
    for (const row of rows) for (const f of fields) byKind[kind] += Number(row[f] ?? 0);
  }
  return { total: byKind.serial + byKind.camera + byKind.probe + byKind.opcua, byKind };
}
