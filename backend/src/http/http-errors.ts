import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { TaskStateError } from '../tasks/task-state.js';
import { NotFoundError } from '../tasks/task-service.js';

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

export const ErrorBody = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** EventSource clients put their token in the URL: keep it out of logs. */
const redact = (url: string) => url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let body: z.infer<typeof ErrorBody> = { error: 'internal', message: 'internal error' };
    const parserError = err as BodyParserError;
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
    } else if (err instanceof NotFoundError) {
      status = 404;
      body = { error: 'not_found', message: err.message };
    } else if (err instanceof TaskStateError) {
      status = 409;
      body = { error: 'conflict', message: err.message };
    } else if (parserError?.type === 'entity.parse.failed') {
      status = 400;
      body = { error: 'bad_json', message: `request body is not valid JSON: ${parserError.message ?? ''}` };
    } else if (parserError?.type === 'entity.too.large') {
      status = 413;
      body = { error: 'too_large', message: 'request body too large' };
    } else if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      status = parserError.status;
      body = { error: 'bad_request', message: parserError.message ?? 'bad request' };
    }
    if (status >= 500) logger.error({ err, method: req.method, url: redact(req.originalUrl) }, 'request failed');
    else logger.debug({ status, method: req.method, url: redact(req.originalUrl), message: body.message }, 'request rejected');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  };
}
