export { DATASOURCE_UID, DATASOURCE_NAME, DATASOURCE_REF } from './datasource.js';
export { InfluxQueryBuilder, influx, type InfluxTarget, type ResultFormat } from './influx-query.js';
export { allDashboards, renderProvisioning, GRAFANA_PROVISIONING_DIR } from './render.js';
export { panelQueries, type PanelQuery } from './panel-queries.js';
export { VARIABLE_QUERIES } from './variables.js';
export { LIMITS } from './limits.js';
export { storeOperationsDashboard } from './dashboards/store-operations.js';
export { coldChainDashboard } from './dashboards/cold-chain.js';
export { devicesDashboard } from './dashboards/devices.js';
