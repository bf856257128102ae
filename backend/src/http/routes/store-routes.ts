import { Router, type Request, type Response } from 'express';
import { Sku } from '@shelfwatch/contracts';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { mergePlanogram } from '../../planogram/merge-planogram.js';
import { planogramFromCsv } from '../../planogram/planogram-csv.js';
import { PlanogramImport, type PlanogramShelfInput } from '../../planogram/planogram-input.js';
import { assertStore, principalOf, requireRole } from '../auth.js';
import { jsonBody, textBody } from '../bodies.js';
import { HttpError, validate } from '@shelfwatch/service-kit';

export const BackroomUpdate = z
  .object({ lines: z.array(z.object({ sku: Sku, units: z.number().int().min(0) }).strict()).min(1).max(5000) })
  .strict();

export function storeRoutes(ctx: AppContext): Router {
  const r = Router();
  const viewers = requireRole(ctx.tokens, ['staff', 'operations']);
  const ops = requireRole(ctx.tokens, ['operations']);

  const storeParam = (req: Request, res: Response): string => {
    const storeId = req.params.storeId as string;
    assertStore(principalOf(res), storeId);
    if (!ctx.engines.engine(storeId)) throw new HttpError(404, 'not_found', `no store '${storeId}'`);
    return storeId;
  };

  r.get('/api/v1/stores', viewers, (_req, res) => {
    const p = principalOf(res);
    const stores = ctx.storage.catalog
      .storeIds()
      .filter((id) => p.storeIds === undefined || p.storeIds.includes(id))
      .map((id) => {
        const l = ctx.storage.catalog.layout(id);
        return { id, name: l?.store.name ?? id, shelves: l?.shelves.map((s) => ({ id: s.id, aisle: s.aisle })) ?? [], cases: l?.cases.map((c) => c.id) ?? [] };
      });
    res.json({ stores });
  });

  r.get('/api/v1/stores/:storeId/shelves/:shelfId', viewers, (req, res) => {
    const storeId = storeParam(req, res);
    const view = ctx.engines.engine(storeId)?.shelfView(req.params.shelfId as string);
    if (!view) throw new HttpError(404, 'not_found', `no shelf '${req.params.shelfId as string}' in store '${storeId}'`);
    res.json(view);
  });

  r.get('/api/v1/stores/:storeId/cases', viewers, (req, res) => {
    const storeId = storeParam(req, res);
    res.json(ctx.engines.engine(storeId)?.caseViews() ?? []);
  });

  r.get('/api/v1/stores/:storeId/compliance', viewers, (req, res) => {
    const storeId = storeParam(req, res);
    const engine = ctx.engines.engine(storeId);
    const layout = ctx.storage.catalog.layout(storeId);
    let compliant = 0;
    let judged = 0;
    const shelves = (layout?.shelves ?? []).map((s) => {
      const view = engine?.shelfView(s.id);
      for (const slot of view?.slots ?? []) {
        if (slot.compliant === null) continue;
        judged++;
        if (slot.compliant) compliant++;
      }
      return { shelfId: s.id, aisle: s.aisle, compliancePct: view?.compliancePct ?? null };
    });
    res.json({ storeId, at: ctx.engines.now(storeId), compliancePct: judged === 0 ? null : (100 * compliant) / judged, judgedSlots: judged, shelves });
  });

  r.get('/api/v1/stores/:storeId/backroom', viewers, (req, res) => {
    res.json({ storeId: storeParam(req, res), lines: ctx.storage.catalog.backroom(req.params.storeId as string) });
  });

  r.put('/api/v1/stores/:storeId/backroom', ops, ...jsonBody('1mb'), (req, res) => {
    const storeId = storeParam(req, res);
    const body = validate(BackroomUpdate, req.body, 'backroom update');
    const unknown = body.lines.filter((l) => !ctx.storage.catalog.product(l.sku)).map((l) => l.sku);
    if (unknown.length) throw new HttpError(422, 'unknown_sku', `unknown sku(s): ${unknown.join(', ')}`);
    ctx.storage.transaction(() => {
      for (const l of body.lines) ctx.storage.catalog.setBackroom(storeId, l.sku, l.units);
    });
    res.json({ storeId, lines: ctx.storage.catalog.backroom(storeId) });
  });

  r.get('/api/v1/stores/:storeId/planogram', viewers, (req, res) => {
    const storeId = storeParam(req, res);
    res.json({ storeId, shelves: ctx.storage.catalog.layout(storeId)?.shelves ?? [] });
  });

  const apply = (storeId: string, shelves: PlanogramShelfInput[], res: Response) => {
    const layout = ctx.storage.catalog.layout(storeId);
    if (!layout) throw new HttpError(404, 'not_found', `no store '${storeId}'`);
    const merged = mergePlanogram(layout, shelves);
    if (!merged.ok) {
      throw new HttpError(422, 'invalid_planogram', `the planogram would make the store layout invalid:\n${merged.errors.map((e) => `✖ ${e.message} at ${e.path}`).join('\n')}`, merged.errors);
    }
    ctx.storage.transaction(() => ctx.storage.catalog.saveLayout(merged.layout));
    ctx.layoutChanged(storeId);
    ctx.logger.info({ storeId, shelves: shelves.length, warnings: merged.warnings }, 'planogram imported');
    res.json({ storeId, shelves: shelves.length, slots: shelves.reduce((n, s) => n + s.slots.length, 0), warnings: merged.warnings });
  };

  r.put('/api/v1/stores/:storeId/planogram', ops, ...jsonBody('5mb'), (req, res) => {
    const storeId = storeParam(req, res);
    const body = validate(PlanogramImport, req.body, 'planogram');
    apply(storeId, body.shelves, res);
  });

  r.post('/api/v1/stores/:storeId/planogram.csv', ops, ...textBody(['text/csv', 'text/plain', 'application/csv'], '5mb'), (req, res) => {
    const storeId = storeParam(req, res);
    if (typeof req.body !== 'string' || req.body.trim() === '') throw new HttpError(400, 'bad_request', 'send the CSV as the body with content-type text/csv');
    const parsed = planogramFromCsv(req.body, { storeId, knownSku: (sku) => ctx.storage.catalog.product(sku) !== null });
    if (parsed.errors.length > 0) {
      const rows = [...new Set(parsed.errors.map((e) => e.row))];
      throw new HttpError(
        422,
        'invalid_rows',
        `${rows.length} bad row(s), nothing imported:\n${parsed.errors.map((e) => `row ${e.row}: ${e.message}`).join('\n')}`,
        parsed.errors,
      );
    }
    apply(storeId, parsed.shelves, res);
  });
  return r;
}
