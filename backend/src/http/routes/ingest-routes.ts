import express, { Router } from 'express';
import { IngestBatch } from '@shelfwatch/contracts';
import type { AppContext } from '../../context.js';
import { principalOf, requireRole } from '../auth.js';
import { validate } from '../http-errors.js';

export function ingestRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/api/v1/ingest', requireRole(ctx.tokens, ['device']), express.json({ limit: '20mb' }), (req, res) => {
    const batch = validate(IngestBatch, req.body, 'ingest batch');
    const result = ctx.ingest.ingest(batch, principalOf(res).storeIds);
    ctx.metrics.readings.inc({ result: 'accepted' }, result.accepted);
    ctx.metrics.readings.inc({ result: 'duplicate' }, result.duplicates);
    ctx.metrics.readings.inc({ result: 'rejected' }, result.rejected);
    res.json({ accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected });
  });
  return r;
}
