export { haccpRouter, HaccpQuery, type HaccpRouterContext } from './haccp-router.js';
export {
  buildHaccpReport,
  meanKineticTemperature,
  findExcursions,
  resample,
  bucketMinutesAbove,
  relatedTasks,
  type AuditBucket,
  type SensorSeries,
  type HaccpTask,
  type HaccpReport,
  type HaccpRow,
  type Excursion,
  type CorrectiveAction,
  type SensorSummary,
  type HaccpInput,
} from './haccp.js';
export { renderHaccpCsv, HACCP_CSV_COLUMNS } from './haccp-csv.js';
export { loadAuditSeries, type AuditQuery } from './haccp-source.js';
