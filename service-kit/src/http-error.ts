import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';

/** An error that knows its HTTP status: thrown at the point of failure, answered by the one error middleware. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Validates with a zod schema; failure is a 400 (or the given status) whose message lists every problem. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string, status = 400): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(status, 'validation_failed', `invalid ${what}:\n${z.prettifyError(result.error)}`, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data;
}

/** What every error answer looks like: a stable code for programs, a message for people. */
export const ErrorBody = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
export type ErrorBody = z.infer<typeof ErrorBody>;

export interface ErrorMiddlewareOptions {
  logger: Logger;
  /** A service's own errors that carry a status (not found, conflict); undefined: not one of them. */
  classify?: (err: unknown) => HttpError | undefined;
}

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** EventSource clients put their token in the URL: keep it out of logs. */
const redact = (url: string) => url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');

/** Body-parser failures are the client's: answered as 4xx with what was wrong. */
function fromBodyParser(err: unknown): HttpError | undefined {
  const e = err as BodyParserError | undefined;
  if (e?.type === 'entity.parse.failed') return new HttpError(400, 'bad_json', `request body is not valid JSON: ${e.message ?? ''}`);
  if (e?.type === 'entity.too.large') return new HttpError(413, 'too_large', 'request body too large');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  return undefined;
}

/**
 * The one place errors become answers: an HttpError (or what `classify` maps) answers with its
 * status and code; anything else is a 500 whose details stay in the log, never in the answer.
 */
export function errorMiddleware(options: ErrorMiddlewareOptions): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof HttpError ? err : (options.classify?.(err) ?? fromBodyParser(err));
    const status = known?.status ?? 500;
    const body: ErrorBody = known
      ? { error: known.code, message: known.message, ...(known.details === undefined ? {} : { details: known.details }) }
      : { error: 'internal', message: 'internal error' };
    const url = redact(req.originalUrl);
    if (status >= 500) options.logger.error({ err, method: req.method, url }, 'request failed');
    else options.logger.debug({ status, method: req.method, url, message: body.message }, 'request rejected');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  };
}
