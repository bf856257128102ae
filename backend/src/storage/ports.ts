import type { Product, Reading, StoreLayout, Task, TaskEvent, TaskEventType, TaskKind, TaskStatus } from '@shelfwatch/contracts';
import type { z } from 'zod';
import type { TaskHistoryEntry } from '@shelfwatch/contracts';

/**
 * Repository ports: the service talks to these, never to SQL. Every method is asynchronous so
 * that a networked database fits as well as embedded SQLite; the service composes them into
 * one atomic unit of work with Storage.transaction, whose repos are bound to that transaction.
 */
export type HistoryEntry = z.infer<typeof TaskHistoryEntry>;

export interface CatalogRepo {
  /** Inserts a store from its layout if it is not known yet; returns false if it already was (the DB wins). */
  seedLayout(layout: StoreLayout): Promise<boolean>;
  /** Replaces the whole layout of a store (planogram imports validate the result first). */
  saveLayout(layout: StoreLayout): Promise<void>;
  storeIds(): Promise<string[]>;
  layout(storeId: string): Promise<StoreLayout | null>;
  product(sku: string): Promise<Product | null>;
  products(filter?: { supplierId?: string }): Promise<Product[]>;
  backroomUnits(storeId: string, sku: string): Promise<number>;
  adjustBackroom(storeId: string, sku: string, delta: number): Promise<number>;
  setBackroom(storeId: string, sku: string, units: number): Promise<void>;
  backroom(storeId: string): Promise<{ sku: string; units: number }[]>;
}

export interface TaskFilter {
  status?: TaskStatus[];
  kind?: TaskKind[];
  storeIds?: string[];
  limit?: number;
}

/** A task event before it has its place in the log. */
export interface PendingEvent {
  type: TaskEventType;
  task: Task;
}

export interface TaskRepo {
  get(id: string): Promise<Task | null>;
  /** The open or acknowledged task for (store, kind, locationKey), if any. */
  active(storeId: string, kind: TaskKind, locationKey: string): Promise<Task | null>;
  list(filter: TaskFilter): Promise<Task[]>;
  /** Open (not acknowledged) tasks: the escalation candidates. */
  unacknowledged(storeId: string): Promise<Task[]>;
  insert(task: Task): Promise<void>;
  /** Writes the task if its stored version is `expectedVersion`; false on a lost race. */
  update(task: Task, expectedVersion: number): Promise<boolean>;
  appendHistory(taskId: string, entry: HistoryEntry): Promise<void>;
  history(taskId: string): Promise<HistoryEntry[]>;
  /**
   * Appends a unit of work's events to the log (the SSE feed and the InfluxDB cursor read it),
   * last thing before its commit; returns them with their seq. Seq order is commit order: a
   * reader that has seen seq N will never later find a smaller one committed (replicas tail
   * the log by seq).
   */
  appendEvents(events: readonly PendingEvent[]): Promise<TaskEvent[]>;
  eventsAfter(seq: number, limit: number): Promise<TaskEvent[]>;
  lastSeq(): Promise<number>;
  openCounts(storeId: string): Promise<{ kind: TaskKind; open: number }[]>;
  /** How many tasks are open or acknowledged, in all stores. */
  countActive(): Promise<number>;
  /** Tasks about a refrigerated case that were active at some point in [from, to] (audit reports). */
  forCase(caseId: string, from: number, to: number, storeId?: string): Promise<Task[]>;
}

export interface ReadingRepo {
  /** Records the ids; returns the readings that were not seen before, in input order. */
  admitNew(readings: Reading[]): Promise<Reading[]>;
  /** Keeps readings for replaying rule state after a restart. */
  keepRecent(readings: Reading[]): Promise<void>;
  recent(storeId: string): Promise<Reading[]>;
  /** Drops replay readings older than `replayBeforeMs` and ids older than `idsBeforeMs` (event time). */
  prune(storeId: string, replayBeforeMs: number, idsBeforeMs: number): Promise<void>;
  /** The newest event time of the store's device data kept for replay (statuses excluded: the gateway may date them). */
  maxTs(storeId: string): Promise<number | null>;
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
  enqueue(message: Omit<OutboxMessage, 'attempts' | 'status'>): Promise<void>;
  /**
   * Pending messages due at `now`, claimed for `leaseMs`: until their attempt is recorded or the
   * lease runs out, no other claim (another replica's) returns them.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxMessage[]>;
  /** When the next pending message is due (or its claim runs out). */
  nextDueAt(): Promise<number | null>;
  get(id: string): Promise<OutboxMessage | null>;
  recordAttempt(attempt: DeliveryAttempt, next: { status: OutboxMessage['status']; nextAttemptAt: number }): Promise<void>;
  attempts(filter: { supplierId?: string; limit: number }): Promise<DeliveryAttempt[]>;
  messages(filter: { supplierId?: string; limit: number }): Promise<OutboxMessage[]>;
  counts(): Promise<Record<OutboxMessage['status'], number>>;
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
  get(supplierId: string, deliveryId: string): Promise<DeliveryRecord | null>;
  byTask(taskId: string): Promise<DeliveryRecord | null>;
  insert(record: DeliveryRecord): Promise<void>;
  markReceived(supplierId: string, deliveryId: string, at: number): Promise<void>;
  list(filter: { supplierId?: string; limit: number }): Promise<DeliveryRecord[]>;
}

/** A durable cursor per consumer of the task event log (e.g. the InfluxDB writer). */
export interface CursorRepo {
  get(name: string): Promise<number>;
  set(name: string, value: number): Promise<void>;
}

/** What a store's rules learnt up to event time `asOf` under a name (e.g. the sell-out forecast's statistics). */
export interface StoreLearningRecord {
  storeId: string;
  asOf: number;
  /** JSON as saved; whoever reads it validates it (an older shape is ignored, not trusted). */
  body: unknown;
}

/** Per-store learnt statistics that outlive the readings kept for replay. */
export interface LearningRepo {
  /** Saves the store's record of `name` unless a newer one (a later `asOf`) is already there. */
  put(name: string, record: StoreLearningRecord): Promise<void>;
  /** Every store's record of `name`. */
  all(name: string): Promise<StoreLearningRecord[]>;
}

/** A backend replica: its id, and the URL other replicas reach it at. */
export interface Replica {
  id: string;
  url: string;
}

/** A store's lease: `since` tells one claim from the next (a store lost and claimed back is a new lease). */
export interface Lease {
  storeId: string;
  since: number;
}

/**
 * Which backend replica runs each store's rules. A lease expires unless renewed; expiry is
 * judged on the database's clock, the one clock every replica shares.
 */
export interface LeaseRepo {
  /**
   * One round of a replica's lease keeping (run it as a unit of work): records that `replica` is
   * alive, renews its leases, gives back those beyond its fair share of the stores among live
   * replicas, and claims free or expired ones up to that share. Returns the leases it holds after.
   */
  keep(replica: Replica, leaseMs: number): Promise<Lease[]>;
  /**
   * Inside a unit of work: the stores of `leases` that `replica` still holds under the same claim;
   * nobody can take them over until the unit of work commits.
   */
  confirm(replica: string, leases: readonly Lease[]): Promise<Set<string>>;
  /** Where the replica holding the store's lease answers (null: no live holder, or an embedded database). */
  holderUrl(storeId: string): Promise<string | null>;
  /** Gives back every lease of `replica` (a clean shutdown: others take over at once). */
  releaseAll(replica: string): Promise<void>;
}

/** Readings accepted by a replica that does not run their store's rules, until the one that does takes them. */
export interface InboxRepo {
  put(readings: readonly Reading[]): Promise<void>;
  /** The store's waiting readings, oldest first, removed from the inbox when the unit of work commits. */
  take(storeId: string, limit: number): Promise<Reading[]>;
  /** Stores with readings waiting. */
  waiting(): Promise<string[]>;
}

export interface Repos {
  catalog: CatalogRepo;
  tasks: TaskRepo;
  readings: ReadingRepo;
  outbox: OutboxRepo;
  deliveries: DeliveryRepo;
  cursors: CursorRepo;
  leases: LeaseRepo;
  inbox: InboxRepo;
  learning: LearningRepo;
}

/** The repos for work outside a transaction (each call on its own), and units of work. */
export interface Storage extends Repos {
  /**
   * Runs fn as one atomic unit of work with `tx`, the repos bound to it: all of it is durable
   * once the promise resolves, or none of it if fn rejects. Inside fn use only `tx` (the outer
   * repos and a nested transaction would wait for this one to end).
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /**
   * A database several replicas share says when another one committed something: `onNotice`
   * hears the channel (`events`, `inbox` with a store id, `layout` with a store id). Absent for
   * an embedded database, which one process owns.
   */
  listen?(onNotice: (channel: Channel, storeId: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type Channel = 'events' | 'inbox' | 'layout';
