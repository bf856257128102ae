import express, { type RequestHandler } from 'express';
import { HttpError } from '@shelfwatch/service-kit';

/** Whether the request carries a body at all (what type-is calls hasBody). */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

/**
 * Refuses a body of another Content-Type with 415 before anything is read or done: a
 * parser that skips what it does not recognise would leave the handler an empty body (a
 * Done whose note silently disappears). Mounted after authentication, so nobody
 * unauthenticated makes the server parse anything.
 */
function requireType(types: string[]): RequestHandler {
  return (req, _res, next) => {
    if (hasBody(req.headers) && !req.is(types)) {
      throw new HttpError(415, 'unsupported_media_type', `send the body as ${types.join(' or ')} (got ${req.get('content-type') ?? 'no content-type'})`);
    }
    next();
  };
}

/** A JSON body up to `limit`: 415 for any other Content-Type, 413 beyond the limit. */
export function jsonBody(limit: string): RequestHandler[] {
  return [requireType(['application/json']), express.json({ limit, type: 'application/json' })];
}

/** A text body (CSV) of one of `types`, up to `limit`. */
export function textBody(types: string[], limit: string): RequestHandler[] {
  return [requireType(types), express.text({ type: types, limit })];
}
