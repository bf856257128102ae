import type { EventTimeBound, Reading } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import type { Clock } from '@shelfwatch/service-kit';
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

/**
 * Capability: channels the admin API can tare and calibrate (the serial scales). Gateway code
 * asks an input for what it can do, never for its class.
 */
export interface Calibrates {
  tare(boardId: string, channel: number): unknown;
  calibrate(boardId: string, channel: number, knownGrams: number): unknown;
}

export function calibrates(input: Input): input is Input & Calibrates {
  const candidate = input as Partial<Calibrates>;
  return typeof candidate.tare === 'function' && typeof candidate.calibrate === 'function';
}

/** The ports an input listens on for devices; 0 where it does not (the ready line reports them). */
export interface ListeningPorts {
  mqtt: number;
  mqttTls: number;
}

/** Capability: devices connect to this input (the embedded broker). */
export interface Listens {
  listeningPorts(): ListeningPorts;
}

export function listens(input: Input): input is Input & Listens {
  return typeof (input as Partial<Listens>).listeningPorts === 'function';
}
