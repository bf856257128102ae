import type { HaccpReport } from './haccp.js';

/**
 * One flat table with one header, so any spreadsheet or CSV tool reads it: the `record`
 * column says what a line is (summary, sensor, reading, excursion, corrective_action).
 * Times are ISO 8601 UTC; temperatures °C; RFC 4180 quoting.
 */
export const HACCP_CSV_COLUMNS = [
  'record',
  'case',
  'sensor',
  'placement',
  'from',
  'to',
  'mean_c',
  'min_c',
  'max_c',
  'samples',
  'peak_c',
  'minutes_above_limit',
  'mkt_c',
  'limit_c',
  'ongoing',
  'task_id',
  'closed_by',
  'note',
] as const;

type Column = (typeof HACCP_CSV_COLUMNS)[number];
type Line = Partial<Record<Column, string | number | boolean | null>>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Free text typed by people: quoted, and never read as a spreadsheet formula. */
function text(value: string | null): string | null {
  if (value === null) return null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderHaccpCsv(report: HaccpReport): string {
  const c = report.caseId;
  const lines: Line[] = [
    {
      record: 'summary',
      case: c,
      sensor: report.primarySensor,
      from: iso(report.from),
      to: iso(report.to),
      minutes_above_limit: report.minutesAboveLimit,
      mkt_c: report.mktC,
      limit_c: report.limitC,
    },
    ...report.sensors.map((s) => ({
      record: 'sensor',
      case: c,
      sensor: s.sensor,
      placement: s.placement,
      from: iso(report.from),
      to: iso(report.to),
      mean_c: s.meanC,
      min_c: s.minC,
      max_c: s.maxC,
      minutes_above_limit: s.minutesAboveLimit,
      mkt_c: s.mktC,
      limit_c: report.limitC,
    })),
    ...report.rows.map((r) => ({
      record: 'reading',
      case: c,
      sensor: r.sensor,
      placement: r.placement,
      from: iso(r.from),
      to: iso(r.to),
      mean_c: r.meanC,
      min_c: r.minC,
      max_c: r.maxC,
      samples: r.samples,
      limit_c: report.limitC,
    })),
    ...report.excursions.flatMap((e) => [
      {
        record: 'excursion',
        case: c,
        sensor: e.sensor,
        placement: e.placement,
        from: iso(e.start),
        to: iso(e.end),
        peak_c: e.peakC,
        minutes_above_limit: e.minutesAboveLimit,
        limit_c: report.limitC,
        ongoing: e.ongoing,
      },
      ...e.correctiveActions.map((a) => ({
        record: 'corrective_action',
        case: c,
        sensor: e.sensor,
        from: iso(a.raisedAt),
        to: iso(a.closedAt),
        task_id: a.taskId,
        closed_by: text(a.closedBy),
        note: text(a.note),
      })),
    ]),
  ];
  const header = HACCP_CSV_COLUMNS.join(',');
  const body = lines.map((l) => HACCP_CSV_COLUMNS.map((col) => cell(l[col])).join(','));
  return `${[header, ...body].join('\r\n')}\r\n`;
}
