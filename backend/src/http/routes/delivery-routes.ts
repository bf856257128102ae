import { Router } from 'express';
import { DeliveryConfirmation, SupplierId } from '@shelfwatch/contracts';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Condition } from '../../rules/types.js';
import { assertStore, principalOf, requireRole } from '../auth.js';
import { jsonBody } from '../bodies.js';
import { HttpError, validate } from '@shelfwatch/service-kit';
import { QueryInt } from '../query.js';

export const ListQuery = z.object({ limit: QueryInt.pipe(z.number().int().min(1).max(5000)).optional(), supplier: SupplierId.optional() }).strict();

export function deliveryRoutes(ctx: AppContext): Router {
  const r = Router();

  r.post('/api/v1/deliveries', requireRole(ctx.tokens, ['supplier']), ...jsonBody('1mb'), async (req, res) => {
    const p = principalOf(res);
    const body = validate(DeliveryConfirmation, req.body, 'delivery confirmation');
    assertStore(p, body.storeId);
    const layout = await ctx.storage.catalog.layout(body.storeId);
    if (!layout) throw new HttpError(422, 'unknown_store', `unknown store '${body.storeId}'`);
    const supplierId = p.subject;
    const problems: string[] = [];
    const catalogue = new Map((await ctx.storage.catalog.products()).map((product) => [product.sku, product]));
    const products = body.lines.map((l, i) => {
      const product = catalogue.get(l.sku);
      if (!product) problems.push(`lines[${i}]: unknown sku '${l.sku}'`);
      else if (product.supplierId !== supplierId) problems.push(`lines[${i}]: sku '${l.sku}' is not supplied by '${supplierId}'`);
      return { sku: l.sku, name: product?.name ?? l.sku, quantity: l.quantity };
    });
    if (problems.length) throw new HttpError(422, 'invalid_lines', `delivery not accepted:\n${problems.join('\n')}`, problems);

    const at = ctx.engines.now(body.storeId);
    const supplierName = layout.suppliers.find((s) => s.id === supplierId)?.name ?? supplierId;
    const units = body.lines.reduce((n, l) => n + l.quantity, 0);
    const condition: Condition = {
      storeId: body.storeId,
      kind: 'delivery_receive',
      locationKey: `delivery:${supplierId}:${body.deliveryId}`,
      severity: 'info',
      location: { label: `Goods-in: delivery ${body.deliveryId} from ${supplierName}` },
      title: `Receive delivery from ${supplierName}`,
      action: `Check in ${units} units (${body.lines.length} lines) and put them in the backroom; mark Done when received`,
      reason: `${supplierName} confirmed delivery ${body.deliveryId}${body.requestId ? ` for request ${body.requestId}` : ''}, expected ${new Date(body.expectedAt).toISOString()}`,
      evidence: [
        { ts: at, text: `delivery confirmation received from ${supplierName}` },
        { ts: body.expectedAt, text: `expected arrival; lines: ${products.map((l) => `${l.quantity} × ${l.name}`).join(', ')}`.slice(0, 1000) },
      ],
      products: products.map((l) => ({ sku: l.sku, name: l.name })),
    };
    const outcome = await ctx.tasks.unitOfWork(async (uow) => {
      // Checked in the unit of work, so a confirmation retried while the first is being stored is still one task.
      const existing = await uow.tx.deliveries.get(supplierId, body.deliveryId);
      if (existing) return { taskId: existing.taskId, duplicate: true };
      const id = await ctx.tasks.assert(uow, condition, at);
      await uow.tx.deliveries.insert({
        deliveryId: body.deliveryId,
        supplierId,
        storeId: body.storeId,
        requestId: body.requestId ?? null,
        expectedAt: body.expectedAt,
        lines: body.lines,
        taskId: id,
        receivedAt: null,
      });
      return { taskId: id, duplicate: false };
    });
    // A retried confirmation: same answer, no second task.
    res.status(outcome.duplicate ? 200 : 201).json({ deliveryId: body.deliveryId, ...outcome });
  });

  r.get('/api/v1/deliveries', requireRole(ctx.tokens, ['supplier', 'operations']), async (req, res) => {
    const p = principalOf(res);
    const q = validate(ListQuery, req.query, 'query');
    const supplierId = p.role === 'supplier' ? p.subject : q.supplier;
    res.json({ deliveries: await ctx.storage.deliveries.list({ ...(supplierId ? { supplierId } : {}), limit: q.limit ?? 500 }) });
  });

  r.get('/api/v1/webhooks/deliveries', requireRole(ctx.tokens, ['supplier', 'operations']), async (req, res) => {
    const p = principalOf(res);
    const q = validate(ListQuery, req.query, 'query');
    // A supplier sees only its own webhooks, whatever it asks for.
    const supplierId = p.role === 'supplier' ? p.subject : q.supplier;
    const filter = { ...(supplierId ? { supplierId } : {}), limit: q.limit ?? 500 };
    res.json({
      messages: (await ctx.storage.outbox.messages(filter)).map((m) => ({
        webhookId: m.id,
        supplierId: m.supplierId,
        storeId: m.storeId,
        type: m.eventType,
        status: m.status,
        attempts: m.attempts,
        createdAt: m.createdAt,
        nextAttemptAt: m.status === 'pending' ? m.nextAttemptAt : null,
        payload: JSON.parse(m.payload) as unknown,
      })),
      attempts: (await ctx.storage.outbox.attempts(filter)).map((a) => ({ ...a, webhookId: a.messageId })),
    });
  });

  r.get('/api/v1/products', requireRole(ctx.tokens, ['supplier', 'staff', 'operations']), async (_req, res) => {
    const p = principalOf(res);
    res.json({ products: await ctx.storage.catalog.products(p.role === 'supplier' ? { supplierId: p.subject } : {}) });
  });
  return r;
}
