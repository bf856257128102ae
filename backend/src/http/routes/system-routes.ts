import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { buildOpenApi } from '../openapi.js';

export function systemRoutes(ctx: AppContext): Router {
  const r = Router();
  let openapi: Record<string, unknown> | undefined;
  r.get('/openapi.json', (_req, res) => {
    openapi ??= buildOpenApi();
    res.json(openapi);
  });
  r.get('/healthz', async (_req, res) => {
    res.json({
      status: 'ok',
      uptimeS: Math.round((ctx.clock.now() - ctx.startedAt) / 1000),
      replica: ctx.replica.id,
      // The stores whose rules run on this replica (all of them with an embedded database).
      stores: ctx.engines.storeIds(),
      lastSeq: await ctx.storage.tasks.lastSeq(),
      outbox: await ctx.storage.outbox.counts(),
      sseClients: ctx.bus.size(),
    });
  });
  r.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.registry.metrics());
  });
  return r;
}
