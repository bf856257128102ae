import { INFLUX_DATABASE, MEASUREMENTS } from '@shelfwatch/contracts';
import { influxQuery, rowsOf } from '@shelfwatch/test-support';

/**
 * Sensor readings found in InfluxDB, counted the way the simulator counts what it sent:
 * one point per channel per frame, per slot per scan, per probe message, per controller
 * value change (device status points are not sensor readings). Each count uses a field
 * that every point of its kind carries; controller points carry exactly one field each.
 */
const COUNTS: [measurement: string, fields: string[]][] = [
  [MEASUREMENTS.shelfWeight, ['raw_counts']],
  [MEASUREMENTS.cameraSlot, ['facings']],
  [MEASUREMENTS.probeTemperature, ['battery_pct']],
  [MEASUREMENTS.caseController, ['air_temp_c', 'setpoint_c', 'defrost', 'door_open', 'compressor']],
];

export async function countSensorPoints(url: string, database = INFLUX_DATABASE): Promise<number> {
  let total = 0;
  for (const [measurement, fields] of COUNTS) {
    const select = fields.map((f) => `count("${f}") AS "${f}"`).join(', ');
    const rows = rowsOf(await influxQuery(url, database, `SELECT ${select} FROM "${measurement}"`));
    for (const row of rows) for (const f of fields) total += Number(row[f] ?? 0);
  }
  return total;
}
