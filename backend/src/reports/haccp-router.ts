import { CaseId, StoreId, type Role } from '@shelfwatch/contracts';
import { Router, type RequestHandler, type Response } from 'express';
import type { InfluxDB } from 'influx';
import type { Logger } from 'pino';
import { z } from 'zod';
import { QueryDecimal, QueryInt } from '../http/query.js';
import { buildHaccpReport, type HaccpTask } from './haccp.js';
import { renderHaccpCsv } from './haccp-csv.js';
import { loadAuditSeries } from './haccp-source.js';

export interface HaccpRouterContext {
  influx: InfluxDB;
  database: string;
  /** The backend's task history for the case (any kind), tasks open at some point in [from, to]. */
  tasksForCase(caseId: string, from: number, to: number): Promise<HaccpTask[]>;
  requireRole: (role: Role) => RequestHandler;
  /**
   * The case's product limit in °C (from its category: chilled 5, frozen -18), or undefined
   * for an unknown case (→ 404). Without it the request must give `limitC`.
   */
  limitForCase?: (caseId: string) => number | undefined;
  logger?: Pick<Logger, 'error'>;
}

/** The audit RP keeps 800 days; a longer period would silently be partial. */
const MAX_PERIOD_MS = 800 * 24 * 3_600_000;

const Instant = z.union([
  z
    .string()
    .regex(/^\d{10,14}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

export const HaccpQuery = z
  .object({
    case: CaseId,
    store: StoreId.optional(),
    from: Instant,
    to: Instant,
    format: z.enum(['csv', 'json']).default('json'),
    interval: QueryInt.pipe(z.number().int().min(5).max(1440).refine((m) => m % 5 === 0, 'must be a multiple of 5 (minutes)')).default(15),
    limitC: QueryDecimal.pipe(z.number().min(-60).max(30)).optional(),
  })
  .strict()
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= MAX_PERIOD_MS, { message: 'period longer than the 800 days the audit records are kept', path: ['to'] });

function fail(res: Response, status: number, error: string, message: string, details?: unknown): void {
  res.status(status).json({ error, message, ...(details === undefined ? {} : { details }) });
}

/**
 * GET /api/v1/reports/haccp?case=&from=&to=&format=csv|json[&store=][&interval=15][&limitC=]
 * (operations role). from/to: ISO 8601 with offset, or epoch milliseconds.
 */
export function haccpRouter(ctx: HaccpRouterContext): Router {
  const r = Router();
  r.get('/api/v1/reports/haccp', ctx.requireRole('operations'), async (req, res) => {
    const parsed = HaccpQuery.safeParse(req.query);
    if (!parsed.success) {
      fail(res, 400, 'validation_failed', `invalid report query:\n${z.prettifyError(parsed.error)}`, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      return;
    }
    const q = parsed.data;
    const known = ctx.limitForCase?.(q.case);
    if (ctx.limitForCase && known === undefined) {
      fail(res, 404, 'not_found', `unknown case '${q.case}'`);
      return;
    }
    const limitC = q.limitC ?? known;
    if (limitC === undefined) {
      fail(res, 400, 'validation_failed', 'limitC is required: the product temperature limit of this case is not known here');
      return;
    }
    let report;
    try {
      const [series, tasks] = await Promise.all([
        loadAuditSeries({ influx: ctx.influx, database: ctx.database, caseId: q.case, from: q.from, to: q.to, ...(q.store ? { storeId: q.store } : {}) }),
        ctx.tasksForCase(q.case, q.from, q.to),
      ]);
      report = buildHaccpReport({ caseId: q.case, from: q.from, to: q.to, limitC, intervalMinutes: q.interval, series, tasks });
    } catch (err) {
      ctx.logger?.error({ err, case: q.case }, 'HACCP report failed');
      fail(res, 503, 'unavailable', `temperature records are not available right now: ${(err as Error).message}`);
      return;
    }
    const name = `haccp-${q.case}-${new Date(q.from).toISOString().slice(0, 10)}-${new Date(q.to).toISOString().slice(0, 10)}`;
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${name}.csv"`);
      res.send(renderHaccpCsv(report));
      return;
    }
    res.json(report);
  });
  return r;
}
