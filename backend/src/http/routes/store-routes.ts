import { Router, type Request, type Response } from 'express';
import { Sku } from '@shelfwatch/contracts';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { mergePlanogram } from '../../planogram/merge-planogram.js';
import { planogramFromCsv } from '../../planogram/planogram-csv.js';
import { PlanogramImport, type PlanogramShelfInput } from '../../planogram/planogram-input.js';
import { forwardToHolder } from '../../replicas/forward-to-holder.js';
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
  const live = forwardToHolder(ctx);

  const storeParam = (req: Request, res: Response): string => {
    const storeId = req.params.storeId as string;
    assertStore(principalOf(res), storeId);
    if (!ctx.engines.knows(storeId)) throw new HttpError(404, 'not_found', `no store '${storeId}'`);
    return storeId;
  };

  r.get('/api/v1/stores', viewers, async (_req, res) => {
    const p = principalOf(res);
    const stores = [];
    for (const id of await ctx.storage.catalog.storeIds()) {
      if (p.storeIds !== undefined && !p.storeIds.includes(id)) continue;
      const l = await ctx.storage.catalog.layout(id);
      stores.push({ id, name: l?.store.name ?? id, shelves: l?.shelves.map((s) => ({ id: s.id, aisle: s.aisle })) ?? [], cases: l?.cases.map((c) => c.id) ?? [] });
    }
    res.json({ stores });
  });

  r.get('/api/v1/stores/:storeId/shelves/:shelfId', viewers, live, (req, res) => {
    const storeId = storeParam(req, res);
    const view = ctx.engines.engine(storeId)?.shelfView(req.params.shelfId as string);
    if (!view) throw new HttpError(404, 'not_found', `no shelf '${req.params.shelfId as string}' in store '${storeId}'`);
    res.json(view);
  });

  r.get('/api/v1/stores/:storeId/cases', viewers, live, (req, res) => {
    const storeId = storeParam(req, res);
    res.json(ctx.engines.engine(storeId)?.caseViews() ?? []);
  });

  r.get('/api/v1/stores/:storeId/compliance', viewers, live, async (req, res) => {
    const storeId = storeParam(req, res);
    const layout = await ctx.storage.catalog.layout(storeId);
    const engine = ctx.engines.engine(storeId);
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

  r.get('/api/v1/stores/:storeId/backroom', viewers, async (req, res) => {
    const storeId = storeParam(req, res);
    res.json({ storeId, lines: await ctx.storage.catalog.backroom(storeId) });
  });

  r.put('/api/v1/stores/:storeId/backroom', ops, ...jsonBody('1mb'), async (req, res) => {
    const storeId = storeParam(req, res);
    const body = validate(BackroomUpdate, req.body, 'backroom update');
    const known = await knownSkus();
    const unknown = body.lines.filter((l) => !known.has(l.sku)).map((l) => l.sku);
    if (unknown.length) throw new HttpError(422, 'unknown_sku', `unknown sku(s): ${unknown.join(', ')}`);
    const lines = await ctx.storage.transaction(async (tx) => {
      for (const l of body.lines) await tx.catalog.setBackroom(storeId, l.sku, l.units);
      return tx.catalog.backroom(storeId);
    });
    res.json({ storeId, lines });
  });

  r.get('/api/v1/stores/:storeId/planogram', viewers, async (req, res) => {
    const storeId = storeParam(req, res);
    res.json({ storeId, shelves: (await ctx.storage.catalog.layout(storeId))?.shelves ?? [] });
  });

  const knownSkus = async () => new Set((await ctx.storage.catalog.products()).map((p) => p.sku));

  const apply = async (storeId: string, shelves: PlanogramShelfInput[], res: Response) => {
    const layout = await ctx.storage.catalog.layout(storeId);
    if (!layout) throw new HttpError(404, 'not_found', `no store '${storeId}'`);
    const merged = mergePlanogram(layout, shelves);
    if (!merged.ok) {
      throw new HttpError(422, 'invalid_planogram', `the planogram would make the store layout invalid:\n${merged.errors.map((e) => `✖ ${e.message} at ${e.path}`).join('\n')}`, merged.errors);
    }
    await ctx.storage.transaction((tx) => tx.catalog.saveLayout(merged.layout));
    await ctx.layoutChanged(storeId);
    ctx.logger.info({ storeId, shelves: shelves.length, warnings: merged.warnings }, 'planogram imported');
    res.json({ storeId, shelves: shelves.length, slots: shelves.reduce((n, s) => n + s.slots.length, 0), warnings: merged.warnings });
  };

  r.put('/api/v1/stores/:storeId/planogram', ops, ...jsonBody('5mb'), async (req, res) => {
    const storeId = storeParam(req, res);
    const body = validate(PlanogramImport, req.body, 'planogram');
    await apply(storeId, body.shelves, res);
  });

  r.post('/api/v1/stores/:storeId/planogram.csv', ops, ...textBody(['text/csv', 'text/plain', 'application/csv'], '5mb'), async (req, res) => {
    const storeId = storeParam(req, res);
    if (typeof req.body !== 'string' || req.body.trim() === '') throw new HttpError(400, 'bad_request', 'send the CSV as the body with content-type text/csv');
    const known = await knownSkus();
    const parsed = planogramFromCsv(req.body, { storeId, knownSku: (sku) => known.has(sku) });
    if (parsed.errors.length > 0) {
      const rows = [...new Set(parsed.errors.map((e) => e.row))];
      throw new HttpError(
        422,
        'invalid_rows',
        `${rows.length} bad row(s), nothing imported:\n${parsed.errors.map((e) => `row ${e.row}: ${e.message}`).join('\n')}`,
        parsed.errors,
      );
    }
    await apply(storeId, parsed.shelves, res);
  });
  return r;
}
