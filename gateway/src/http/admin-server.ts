import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate, BearerTokens, errorMiddleware, HttpError, validate } from '@shelfwatch/service-kit';
import express from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Calibrates } from '../inputs/input.js';
import type { GatewayMetrics } from './gateway-metrics.js';

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
    const tokens = BearerTokens.of(o.tokens, 'admin');
    admin.use((req, res, next) => {
      authenticate(req, res, tokens);
      next();
    });
    admin.get('/stats', (_req, res) => {
      res.json(o.stats());
    });
    admin.post('/boards/:boardId/channels/:ch/tare', (req, res) => {
      const p = validate(Params, req.params, 'channel');
      res.json({ boardId: p.boardId, channel: p.ch, calibration: this.ops().tare(p.boardId, p.ch) });
    });
    admin.post('/boards/:boardId/channels/:ch/calibrate', (req, res) => {
      const p = validate(Params, req.params, 'channel');
      const body = validate(CalibrateBody, req.body, 'calibration');
      res.json({ boardId: p.boardId, channel: p.ch, calibration: this.ops().calibrate(p.boardId, p.ch, body.knownGrams) });
    });
    app.use('/api/v1', admin);
    app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.originalUrl}`)));
    app.use(errorMiddleware({ logger: o.logger }));
    return app;
  }

  private ops(): Calibrates {
    const ops = this.options.calibration();
    if (!ops) throw new HttpError(404, 'not_found', 'no serial input configured');
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
