import type { Product, Reading, StoreLayout, Task, TaskEvent, TaskEventType, TaskKind, TaskStatus } from '@shelfwatch/contracts';
import type { z } from 'zod';
import type { TaskHistoryEntry } from '@shelfwatch/contracts';

/**
 * Repository ports: the service talks to these, never to SQL. The one adapter is SQLite
 * (storage/sqlite). Methods are synchronous because the service composes them into one
 * unit of work (Storage.transaction), which better-sqlite3 runs synchronously; another
 * database would need an adapter that keeps that unit of work atomic.
 */
export type HistoryEntry = z.infer<typeof TaskHistoryEntry>;

export interface CatalogRepo {
  /** Inserts a store from its layout if it is not known yet; returns false if it already was (the DB wins). */
  seedLayout(layout: StoreLayout): boolean;
  /** Replaces the whole layout of a store (planogram imports validate the result first). */
  saveLayout(layout: StoreLayout): void;
  storeIds(): string[];
  layout(storeId: string): StoreLayout | null;
  product(sku: string): Product | null;
  products(filter?: { supplierId?: string }): Product[];
  backroomUnits(storeId: string, sku: string): number;
  adjustBackroom(storeId: string, sku: string, delta: number): number;
  setBackroom(storeId: string, sku: string, units: number): void;
  backroom(storeId: string): { sku: string; units: number }[];
}

export interface TaskFilter {
  status?: TaskStatus[];
  kind?: TaskKind[];
  storeIds?: string[];
  limit?: number;
}

export interface TaskRepo {
  get(id: string): Task | null;
  /** The open or acknowledged task for (store, kind, locationKey), if any. */
  active(storeId: string, kind: TaskKind, locationKey: string): Task | null;
  list(filter: TaskFilter): Task[];
  /** Open (not acknowledged) tasks: the escalation candidates. */
  unacknowledged(storeId: string): Task[];
  insert(task: Task): void;
  /** Writes the task if its stored version is `expectedVersion`; false on a lost race. */
  update(task: Task, expectedVersion: number): boolean;
  appendHistory(taskId: string, entry: HistoryEntry): void;
  history(taskId: string): HistoryEntry[];
  /** Appends to the event log (the SSE feed and the InfluxDB cursor read it); returns the event with its seq. */
  appendEvent(type: TaskEventType, task: Task): TaskEvent;
  eventsAfter(seq: number, limit: number): TaskEvent[];
  lastSeq(): number;
  openCounts(storeId: string): { kind: TaskKind; open: number }[];
  /** How many tasks are open or acknowledged, in all stores. */
  countActive(): number;
  /** Tasks about a refrigerated case that were active at some point in [from, to] (audit reports). */
  forCase(caseId: string, from: number, to: number, storeId?: string): Task[];
}

export interface ReadingRepo {
  /** Records the ids; returns the readings that were not seen before, in input order. */
  admitNew(readings: Reading[]): Reading[];
  /** Keeps readings for replaying rule state after a restart. */
  keepRecent(readings: Reading[]): void;
  recent(storeId: string): Reading[];
  /** Drops replay readings older than `replayBeforeMs` and ids older than `idsBeforeMs` (event time). */
  prune(storeId: string, replayBeforeMs: number, idsBeforeMs: number): void;
  /** The newest event time of the store's device data kept for replay (statuses excluded: the gateway may date them). */
  maxTs(storeId: string): number | null;
}

export interface OutboxMessage {
  id: string;
  supplierId: string;
  storeId: string;
  eventType: string;
  payload: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  status: 'pending' | 'delivered' | 'failed';
}

export interface DeliveryAttempt {
  messageId: string;
  supplierId: string;
  storeId: string;
  attempt: number;
  at: number;
  url: string;
  statusCode: number | null;
  error: string | null;
  outcome: 'delivered' | 'retry' | 'failed';
}

export interface OutboxRepo {
  enqueue(message: Omit<OutboxMessage, 'attempts' | 'status'>): void;
  due(now: number, limit: number): OutboxMessage[];
  nextDueAt(): number | null;
  get(id: string): OutboxMessage | null;
  recordAttempt(attempt: DeliveryAttempt, next: { status: OutboxMessage['status']; nextAttemptAt: number }): void;
  attempts(filter: { supplierId?: string; limit: number }): DeliveryAttempt[];
  messages(filter: { supplierId?: string; limit: number }): OutboxMessage[];
  counts(): Record<OutboxMessage['status'], number>;
}

export interface DeliveryRecord {
  deliveryId: string;
  supplierId: string;
  storeId: string;
  requestId: string | null;
  expectedAt: number;
  lines: { sku: string; quantity: number }[];
  taskId: string;
  receivedAt: number | null;
}

export interface DeliveryRepo {
  get(supplierId: string, deliveryId: string): DeliveryRecord | null;
  byTask(taskId: string): DeliveryRecord | null;
  insert(record: DeliveryRecord): void;
  markReceived(supplierId: string, deliveryId: string, at: number): void;
  list(filter: { supplierId?: string; limit: number }): DeliveryRecord[];
}

/** A durable cursor per consumer of the task event log (e.g. the InfluxDB writer). */
export interface CursorRepo {
  get(name: string): number;
  set(name: string, value: number): void;
}

export interface Storage {
  catalog: CatalogRepo;
  tasks: TaskRepo;
  readings: ReadingRepo;
  outbox: OutboxRepo;
  deliveries: DeliveryRepo;
  cursors: CursorRepo;
  /** Runs fn as one atomic unit of work: all of it is durable, or none of it. */
  transaction<T>(fn: () => T): T;
  close(): void;
}
