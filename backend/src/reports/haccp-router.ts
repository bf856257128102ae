import { CaseId, StoreId } from '@shelfwatch/contracts';
import { Router, type RequestHandler } from 'express';
import type { InfluxDB } from 'influx';
import { z } from 'zod';
import { assertStore, canSeeStore, principalOf, type Principal } from '../http/auth.js';
import { HttpError, validate } from '@shelfwatch/service-kit';
import { QueryDecimal, QueryInt } from '../http/query.js';
import { buildHaccpReport, type HaccpTask } from './haccp.js';
import { renderHaccpCsv } from './haccp-csv.js';
import { loadAuditSeries } from './haccp-source.js';

/** A refrigerated case as the backend knows it now: its store and its product limit in °C. */
export interface KnownCase {
  storeId: string;
  limitC: number;
}

export interface HaccpRouterContext {
  influx: InfluxDB;
  database: string;
  /** Authenticates the request as the operations role and leaves the principal for principalOf(). */
  requireOperations: RequestHandler;
  /** Every store that has a case with this id, with the case's limit (from its category). */
  findCase(caseId: string): Promise<KnownCase[]>;
  /** The backend's task history for the store's case (any kind), tasks open at some point in [from, to]. */
  tasksForCase(caseId: string, storeId: string, from: number, to: number): Promise<HaccpTask[]>;
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

/** The one case the query names, among the stores this principal may see. */
function locate(known: KnownCase[], q: { case: string; store?: string | undefined }, p: Principal): KnownCase {
  if (q.store !== undefined) assertStore(p, q.store);
  const matches = known.filter((k) => q.store === undefined || k.storeId === q.store);
  if (matches.length === 0) throw new HttpError(404, 'not_found', `unknown case '${q.case}'${q.store === undefined ? '' : ` in store '${q.store}'`}`);
  const visible = matches.filter((k) => canSeeStore(p, k.storeId));
  if (visible.length === 0) assertStore(p, matches[0]!.storeId);
  if (visible.length > 1) throw new HttpError(400, 'validation_failed', `case '${q.case}' exists in stores ${visible.map((k) => `'${k.storeId}'`).join(', ')}: give store=`);
  return visible[0]!;
}

/**
 * GET /api/v1/reports/haccp?case=&from=&to=&format=csv|json[&store=][&interval=15][&limitC=]
 * (operations role, limited to the token's stores). from/to: ISO 8601 with offset, or epoch milliseconds.
 */
export function haccpRouter(ctx: HaccpRouterContext): Router {
  const r = Router();
  r.get('/api/v1/reports/haccp', ctx.requireOperations, async (req, res) => {
    const q = validate(HaccpQuery, req.query, 'report query');
    const { storeId, limitC: knownLimitC } = locate(await ctx.findCase(q.case), q, principalOf(res));
    const limitC = q.limitC ?? knownLimitC;
    let report;
    try {
      const [series, tasks] = await Promise.all([
        loadAuditSeries({ influx: ctx.influx, database: ctx.database, caseId: q.case, storeId, from: q.from, to: q.to }),
        ctx.tasksForCase(q.case, storeId, q.from, q.to),
      ]);
      report = buildHaccpReport({ caseId: q.case, from: q.from, to: q.to, limitC, intervalMinutes: q.interval, series, tasks });
    } catch (err) {
      throw new HttpError(503, 'unavailable', `temperature records are not available right now: ${(err as Error).message}`);
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
