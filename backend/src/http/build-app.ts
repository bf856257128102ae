import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { AppContext } from '../context.js';
import { HttpError } from '@shelfwatch/service-kit';
import { errorMiddleware } from './http-errors.js';
import { deliveryRoutes } from './routes/delivery-routes.js';
import { feedRoutes } from './routes/feed-routes.js';
import { ingestRoutes } from './routes/ingest-routes.js';
import { storeRoutes } from './routes/store-routes.js';
import { systemRoutes } from './routes/system-routes.js';
import { taskRoutes } from './routes/task-routes.js';

export interface BuildAppOptions {
  /** Routers another part mounts (e.g. operations reports); they run before the 404 and error handlers. */
  extraRouters?: (ctx: AppContext) => Router[];
  /** The staff web app's build output, served at / when the folder exists. */
  webDir?: string;
}

/**
 * Security headers on every response (helmet): a Content-Security-Policy that lets the
 * staff app load only its own scripts and styles and talk only to this origin, no
 * framing (frame-ancestors 'none' and X-Frame-Options DENY), nosniff, no referrer. Stores
 * often serve plain HTTP on their LAN, so requests are not upgraded to HTTPS here (TLS,
 * HSTS included, is the reverse proxy's when there is one).
 */
function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { directives: { frameAncestors: ["'none'"], upgradeInsecureRequests: null, connectSrc: ["'self'"] } },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false,
  });
}

/** Composes the express app from a context: the one place routes, static files and the error boundary meet. */
export function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders());
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      ctx.metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });
  for (const router of [systemRoutes(ctx), ingestRoutes(ctx), taskRoutes(ctx), feedRoutes(ctx), storeRoutes(ctx), deliveryRoutes(ctx)]) app.use(router);
  for (const router of options.extraRouters?.(ctx) ?? []) app.use(router);
  app.use('/api', (req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.originalUrl}`)));
  if (options.webDir && existsSync(options.webDir)) {
    const dir = path.resolve(options.webDir);
    // Hashed assets may be cached; index.html must not be, or a handheld keeps an old page
    // that points at assets a rebuild has deleted and shows a blank screen.
    // Source maps are for the developer's machine, not for whoever reaches the store's server.
    app.use(/.*\.map$/, (req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.originalUrl}`)));
    app.use(
      express.static(dir, {
        index: 'index.html',
        maxAge: '1h',
        setHeaders: (res, file) => {
          if (file.endsWith('.html')) res.setHeader('cache-control', 'no-cache');
        },
      }),
    );
    // Client-side routes of the single-page app fall back to its index.
    app.get(/^\/(?!api\/|openapi\.json|healthz|metrics).*/, (_req, res) => res.sendFile(path.join(dir, 'index.html'), { headers: { 'cache-control': 'no-cache' } }));
  }
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.originalUrl}`)));
  app.use(errorMiddleware(ctx.logger));
  return app;
}
