import type { EventTimeBound, Reading } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { GatewayMetrics } from '../http/gateway-metrics.js';
import type { StoreContext } from '../store-context.js';

/** Where inputs put readings: resolves once they are durable, rejects (OutboxFullError) at the bound. */
export interface ReadingAppender {
  append(readings: readonly Reading[]): Promise<void>;
}

export interface InputContext {
  store: StoreContext;
  outbox: ReadingAppender;
  metrics: GatewayMetrics;
  logger: Logger;
  clock: Clock;
  /** Bound on device event time against `clock`, checked where readings enter (event-time-filter.ts). */
  eventTime: EventTimeBound;
}

export interface InputHealth {
  ok: boolean;
  details: Record<string, unknown>;
}

/**
 * An input, Telegraf-style: init() validates only (never connects); start()/stop() own
 * the I/O; readings go to the outbox through the context.
 */
export interface Input {
  readonly name: string;
  init(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): InputHealth;
}
