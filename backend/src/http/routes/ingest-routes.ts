import express, { Router } from 'express';
import { IngestBatch } from '@shelfwatch/contracts';
import type { AppContext } from '../../context.js';
import { principalOf, requireRole } from '../auth.js';
import { HttpError, validate } from '../http-errors.js';

export function ingestRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/api/v1/ingest', requireRole(ctx.tokens, ['device']), express.json({ limit: '20mb' }), (req, res) => {
    const batch = validate(IngestBatch, req.body, 'ingest batch');
    const allowed = principalOf(res).storeIds;
    if (allowed) {
      const foreign = [...new Set(batch.readings.map((r) => r.storeId))].filter((s) => !allowed.includes(s));
      if (foreign.length) throw new HttpError(403, 'forbidden', `this device may not write readings for store(s): ${foreign.join(', ')}`);
    }
    const result = ctx.ingest.ingest(batch, allowed);
    ctx.metrics.readings.inc({ result: 'accepted' }, result.accepted);
    ctx.metrics.readings.inc({ result: 'duplicate' }, result.duplicates);
    ctx.metrics.readings.inc({ result: 'rejected' }, result.rejected);
    res.json({ accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected });
  });
  return r;
}
