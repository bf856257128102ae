import { errorMiddleware as serviceErrorMiddleware, HttpError } from '@shelfwatch/service-kit';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { TaskStateError } from '../tasks/task-state.js';
import { NotFoundError } from '../tasks/task-service.js';

/** The task service's own errors, as the answers they are. */
function taskError(err: unknown): HttpError | undefined {
  if (err instanceof NotFoundError) return new HttpError(404, 'not_found', err.message);
  if (err instanceof TaskStateError) return new HttpError(409, 'conflict', err.message);
  return undefined;
}

/** The service kit's error middleware, knowing the backend's domain errors. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return serviceErrorMiddleware({ logger, classify: taskError });
}
