import type { EventTimeBound } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import type { Clock } from '@shelfwatch/service-kit';
import type { BackendConfig } from './config.js';
import type { EngineHost } from './engine/engine-host.js';
import type { FeedBus } from './feed/feed-bus.js';
import type { TokenIndex } from './http/auth.js';
import type { IngestService } from './ingest/ingest-service.js';
import type { BackendMetrics } from './metrics.js';
import type { Replica, Storage } from './storage/ports.js';
import type { TaskService } from './tasks/task-service.js';
import type { WebhookWorker } from './webhooks/webhook-worker.js';

/** Everything a router needs; built once by startBackend and passed to buildApp. */
export interface AppContext {
  config: BackendConfig;
  logger: Logger;
  clock: Clock;
  storage: Storage;
  engines: EngineHost;
  tasks: TaskService;
  ingest: IngestService;
  bus: FeedBus;
  webhooks: WebhookWorker;
  metrics: BackendMetrics;
  tokens: TokenIndex;
  /** Bound on readings' event time against `clock`, checked at ingest. */
  eventTime: EventTimeBound;
  /** SSE heartbeat comment interval. */
  heartbeatMs: number;
  /** After a planogram change: rebuild the store's rule engine from the new layout. */
  layoutChanged(storeId: string): Promise<void>;
  startedAt: number;
  /** This backend among the replicas sharing its database. */
  replica: Replica;
}
