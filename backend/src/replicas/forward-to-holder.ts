import type { RequestHandler } from 'express';
import { HttpError } from '@shelfwatch/service-kit';
import type { AppContext } from '../context.js';
import { assertStore, principalOf } from '../http/auth.js';

const FORWARDED = 'x-shelfwatch-forwarded-by';
const TIMEOUT_MS = 4000;

/**
 * A store's live views (shelves, cases, compliance) are its rule engine's state, which lives on
 * the replica running the store: a GET that reaches another replica (behind one address, any
 * does) is passed to that one with the caller's credentials, and its answer relayed as it is.
 */
export function forwardToHolder(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const storeId = req.params.storeId as string;
    assertStore(principalOf(res), storeId);
    if (!ctx.engines.knows(storeId) || ctx.engines.engine(storeId)) return next();
    const holder = req.get(FORWARDED) ? null : await ctx.storage.leases.holderUrl(storeId);
    if (!holder || holder === ctx.replica.url) {
      res.setHeader('retry-after', '5');
      throw new HttpError(503, 'store_moving', `store '${storeId}' is being taken over by another backend replica; retry in a few seconds`);
    }
    let upstream: Response;
    try {
      upstream = await fetch(new URL(req.originalUrl, holder), {
        headers: { authorization: req.get('authorization') ?? '', accept: 'application/json', [FORWARDED]: ctx.replica.id },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      ctx.logger.warn({ err, storeId, holder }, 'the replica running the store did not answer a forwarded view');
      res.setHeader('retry-after', '5');
      throw new HttpError(503, 'store_moving', `the backend replica running store '${storeId}' did not answer; retry in a few seconds`);
    }
    res.status(upstream.status).type(upstream.headers.get('content-type') ?? 'application/json');
    res.send(Buffer.from(await upstream.arrayBuffer()));
  };
}
