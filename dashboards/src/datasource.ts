import { INFLUX_DATABASE } from '@shelfwatch/contracts';

/** Fixed uid: the provisioned datasource and every panel agree on it, so no clicks are needed. */
export const DATASOURCE_UID = 'shelfwatch-influxdb';
export const DATASOURCE_NAME = 'ShelfWatch InfluxDB';
export const DATASOURCE_REF = { type: 'influxdb', uid: DATASOURCE_UID } as const;
export const DATABASE = INFLUX_DATABASE;
