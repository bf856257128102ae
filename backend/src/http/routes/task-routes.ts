import { DoneBody, AckBody, StoreId, TaskKind, TaskStatus } from '@shelfwatch/contracts';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { assertStore, principalOf, requireRole } from '../auth.js';
import { jsonBody } from '../bodies.js';
import { HttpError, validate } from '@shelfwatch/service-kit';
import { QueryInt } from '../query.js';

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .max(2000)
    .transform((s) => s.split(',').map((v) => v.trim()).filter((v) => v !== ''))
    .pipe(z.array(item));

export const TaskQuery = z
  .object({
    status: csv(TaskStatus).optional(),
    kind: csv(TaskKind).optional(),
    store: csv(StoreId).optional(),
    limit: QueryInt.pipe(z.number().int().min(1).max(5000)).optional(),
  })
  .strict();

export function taskRoutes(ctx: AppContext): Router {
  const r = Router();
  const auth = requireRole(ctx.tokens, ['staff', 'operations']);

  r.get('/api/v1/tasks', auth, async (req, res) => {
    const p = principalOf(res);
    const q = validate(TaskQuery, req.query, 'query');
    let stores = q.store ?? p.storeIds;
    if (q.store && p.storeIds) stores = q.store.filter((s) => p.storeIds?.includes(s));
    const tasks = await ctx.storage.tasks.list({
      ...(q.status ? { status: q.status } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(stores ? { storeIds: stores } : {}),
      limit: q.limit ?? 5000,
    });
    res.json({ tasks });
  });

  r.get('/api/v1/tasks/:id', auth, async (req, res) => {
    const task = await ctx.tasks.withHistory(req.params.id as string);
    assertStore(principalOf(res), task.storeId);
    res.json(task);
  });

  const act = (action: 'ack' | 'done') =>
    r.post(`/api/v1/tasks/:id/${action}`, auth, ...jsonBody('64kb'), async (req, res) => {
      const p = principalOf(res);
      const id = req.params.id as string;
      const existing = await ctx.storage.tasks.get(id);
      if (!existing) throw new HttpError(404, 'not_found', `no task '${id}'`);
      assertStore(p, existing.storeId);
      const at = ctx.engines.now(existing.storeId);
      if (action === 'ack') {
        validate(AckBody, req.body ?? {}, 'body');
        res.json(await ctx.tasks.acknowledge(id, p.subject, at));
      } else {
        const body = validate(DoneBody, req.body ?? {}, 'body');
        res.json(await ctx.tasks.complete(id, p.subject, at, body.note));
      }
    });
  act('ack');
  act('done');
  return r;
}
