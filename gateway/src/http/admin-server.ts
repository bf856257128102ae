import { timingSafeEqual, createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Calibrates } from '../inputs/input.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { HttpError } from './http-error.js';

export interface HealthReport {
  ok: boolean;
  [key: string]: unknown;
}

export interface AdminServerOptions {
  host: string;
  port: number;
  /** Bearer tokens accepted on the admin endpoints. */
  tokens: string[];
  metrics: GatewayMetrics;
  logger: Logger;
  health: () => HealthReport;
  stats: () => unknown;
  beforeMetrics: () => void;
  calibration: () => Calibrates | undefined;
}

const Params = z.object({ boardId: z.string().min(1).max(63), ch: z.coerce.number().int().min(0).max(63) });
const CalibrateBody = z.object({ knownGrams: z.number().positive().max(1_000_000) }).strict();

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** /healthz, /metrics and the admin API (tare/calibrate) on one express app. */
export class AdminServer {
  private server: Server | undefined;
  private address = '';

  constructor(private readonly options: AdminServerOptions) {}

  get url(): string {
    return this.address;
  }

  app(): express.Express {
    const o = this.options;
    const app = express();
    app.disable('x-powered-by');
    app.use(express.json({ limit: '16kb' }));
    app.get('/healthz', (_req, res) => {
      const report = o.health();
      res.status(report.ok ? 200 : 503).json(report);
    });
    app.get('/metrics', async (_req, res) => {
      o.beforeMetrics();
      res.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
    });
    const admin = express.Router();
    admin.use((req, _res, next) => {
      const header = req.get('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      const ok = token.length > 0 && o.tokens.some((t) => timingSafeEqual(digest(t), digest(token)));
      next(ok ? undefined : new HttpError(401, 'missing or wrong bearer token'));
    });
    admin.get('/stats', (_req, res) => {
      res.json(o.stats());
    });
    admin.post('/boards/:boardId/channels/:ch/tare', (req, res) => {
      const p = parse(Params, req.params);
      res.json({ boardId: p.boardId, channel: p.ch, calibration: this.ops().tare(p.boardId, p.ch) });
    });
    admin.post('/boards/:boardId/channels/:ch/calibrate', (req, res) => {
      const p = parse(Params, req.params);
      const body = parse(CalibrateBody, req.body);
      res.json({ boardId: p.boardId, channel: p.ch, calibration: this.ops().calibrate(p.boardId, p.ch, body.knownGrams) });
    });
    app.use('/api/v1', admin);
    app.use((_req, _res, next) => next(new HttpError(404, 'not found')));
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = err instanceof HttpError ? err.status : (err as { status?: number }).status ?? 500;
      if (status >= 500) o.logger.error({ err }, 'admin API error');
      res.status(status).json({ error: status >= 500 ? 'internal error' : (err as Error).message });
    });
    return app;
  }

  private ops(): Calibrates {
    const ops = this.options.calibration();
    if (!ops) throw new HttpError(404, 'no serial input configured');
    return ops;
  }

  async start(): Promise<void> {
    const app = this.app();
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(this.options.port, this.options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    this.address = `http://${a.address}:${a.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, z.prettifyError(r.error));
  return r.data;
}
