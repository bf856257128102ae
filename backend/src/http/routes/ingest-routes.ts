import { Router } from 'express';
import { checkEventTime, describeEventTime, IngestBatch, type EventTimeVerdict } from '@shelfwatch/contracts';
import type { AppContext } from '../../context.js';
import { principalOf, requireRole } from '../auth.js';
import { jsonBody } from '../bodies.js';
import { HttpError, validate } from '@shelfwatch/service-kit';

export function ingestRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/api/v1/ingest', requireRole(ctx.tokens, ['device']), ...jsonBody('20mb'), async (req, res) => {
    const batch = validate(IngestBatch, req.body, 'ingest batch');
    const allowed = principalOf(res).storeIds;
    if (allowed) {
      const foreign = [...new Set(batch.readings.map((r) => r.storeId))].filter((s) => !allowed.includes(s));
      if (foreign.length) throw new HttpError(403, 'forbidden', `this device may not write readings for store(s): ${foreign.join(', ')}`);
    }
    refuseNulCharacters(ctx, batch);
    refuseOutOfBoundEventTimes(ctx, batch);
    const result = await ctx.ingest.ingest(batch, allowed);
    ctx.metrics.readings.inc({ result: 'accepted' }, result.accepted);
    ctx.metrics.readings.inc({ result: 'duplicate' }, result.duplicates);
    ctx.metrics.readings.inc({ result: 'rejected' }, result.rejected);
    res.json({ accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected });
  });
  return r;
}

/**
 * A NUL character is valid JSON but no text PostgreSQL stores: refused here (422, permanent)
 * with the readings' ids, rather than failing the transaction on every retry of the batch.
 */
function refuseNulCharacters(ctx: AppContext, batch: IngestBatch): void {
  const refused = batch.readings.filter((r) => r.id.includes('\0') || (r.kind === 'device.status' && r.detail.includes('\0'))).map((r) => ({ readingId: r.id }));
  if (refused.length === 0) return;
  ctx.metrics.readings.inc({ result: 'nul_character' }, refused.length);
  ctx.logger.warn({ gatewayId: batch.gatewayId, refused: refused.length }, 'ingest batch refused: NUL characters in reading ids or details');
  throw new HttpError(422, 'nul_character', `${refused.length} reading(s) carry a NUL character in their id or detail; nothing in this batch was applied`, refused);
}

/**
 * Event time is checked where it enters, against this backend's clock: a device clock in
 * 2100 must not become a store's clock. The whole batch is refused (422, permanent) with
 * the offending reading ids, so nothing is half-applied and a gateway isolates exactly
 * those readings into its dead letters while the rest are delivered.
 */
function refuseOutOfBoundEventTimes(ctx: AppContext, batch: IngestBatch): void {
  const now = ctx.clock.now();
  const refused: { readingId: string; ts: number; reason: Exclude<EventTimeVerdict, 'ok'> }[] = [];
  for (const r of batch.readings) {
    const verdict = checkEventTime(r.ts, now, ctx.eventTime);
    if (verdict !== 'ok') refused.push({ readingId: r.id, ts: r.ts, reason: verdict });
  }
  if (refused.length === 0) return;
  for (const f of refused) ctx.metrics.readings.inc({ result: f.reason });
  const first = refused[0]!;
  ctx.logger.warn({ gatewayId: batch.gatewayId, refused: refused.length, readingId: first.readingId, reason: first.reason }, 'ingest batch refused: event time out of bounds');
  throw new HttpError(
    422,
    'event_time_out_of_bounds',
    `${refused.length} reading(s) have an event time outside ${ctx.eventTime.maxAheadMs} ms ahead / ${ctx.eventTime.maxAgeMs} ms behind this backend's clock, e.g. ${first.readingId}: ${describeEventTime(first.ts, now)}; nothing in this batch was applied`,
    refused,
  );
}
