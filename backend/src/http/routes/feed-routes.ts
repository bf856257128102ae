import { Router } from 'express';
import { StoreId, type TaskEvent } from '@shelfwatch/contracts';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { canSeeStore, principalOf, requireRole } from '../auth.js';
import { validate } from '@shelfwatch/service-kit';
import { QueryInt } from '../query.js';

export const StreamQuery = z
  .object({
    lastEventId: QueryInt.pipe(z.number().int().min(0)).optional(),
    access_token: z.string().max(512).optional(),
    store: StoreId.optional(),
  })
  .strict();

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const format = (e: TaskEvent) => `id: ${e.seq}\nevent: task\ndata: ${JSON.stringify(e)}\n\n`;

/**
 * GET /api/v1/alerts/stream: Server-Sent Events of task events. The event log is
 * durable (seq = TaskEvent.seq), so a client that reconnects with Last-Event-ID (or
 * ?lastEventId=) gets exactly what it missed, then the live feed.
 */
export function feedRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/api/v1/alerts/stream', requireRole(ctx.tokens, ['staff', 'operations'], { allowQueryToken: true }), async (req, res) => {
    const p = principalOf(res);
    const q = validate(StreamQuery, req.query, 'query');
    const header = req.get('last-event-id');
    const fromHeader = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
    const visible = (e: TaskEvent) => canSeeStore(p, e.task.storeId) && (q.store === undefined || e.task.storeId === q.store);
    // Subscribed before the log is read, holding live events until the backlog is written: an
    // event committed while the backlog is read arrives here, and seq order drops what both carry.
    let live: TaskEvent[] | null = [];
    let last = 0;
    const send = (e: TaskEvent) => {
      if (e.seq <= last) return;
      last = e.seq;
      if (!visible(e)) return;
      // A client that stops reading must not grow our memory: drop it; it resumes with Last-Event-ID.
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        ctx.logger.warn({ subject: p.subject, buffered: res.writableLength }, 'slow SSE client dropped');
        res.destroy();
        return;
      }
      res.write(format(e));
    };
    const unsubscribe = ctx.bus.subscribe((e) => (live ? live.push(e) : send(e)));
    ctx.metrics.sseClients.inc();
    // Beats once the backlog is written (before it, the headers may not be out yet).
    const heartbeat = setInterval(() => live === null && res.write(`: heartbeat ${Date.now()}\n\n`), ctx.heartbeatMs);
    heartbeat.unref();
    res.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      ctx.metrics.sseClients.dec();
    });
    const lastSeq = await ctx.storage.tasks.lastSeq();
    // An id beyond our log comes from another database (a reset backend): start from now.
    const requested = fromHeader ?? q.lastEventId;
    const after = requested !== undefined && requested > lastSeq ? lastSeq : requested;

    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 3000\n: connected, last seq ${lastSeq}\n\n`);

    last = after ?? lastSeq;
    try {
      if (after !== undefined) {
        for (;;) {
          const page = await ctx.storage.tasks.eventsAfter(last, 500);
          if (page.length === 0) break;
          for (const e of page) send(e);
        }
      }
    } catch (err) {
      ctx.logger.warn({ err, subject: p.subject }, 'SSE backlog could not be read; the client resumes with Last-Event-ID');
      res.destroy();
      return;
    }
    for (const e of live) send(e);
    live = null;
  });
  return r;
}
