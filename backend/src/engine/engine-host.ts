import type { Logger } from 'pino';
import type { Clock } from '@shelfwatch/service-kit';
import { chainPace, storeLearningSchema, type StoreLearning } from '../rules/forecast/learning.js';
import type { ColdChainLimits, CreateRuleEngine, RuleEngine, StoreModel } from '../rules/types.js';
import type { Repos, Storage } from '../storage/ports.js';

/** The name the sell-out forecast's statistics are kept under. */
const FORECAST_LEARNING = 'sell-out-forecast';

export interface EngineHostContext {
  storage: Storage;
  createRuleEngine: CreateRuleEngine;
  limits: Record<'chilled' | 'frozen', ColdChainLimits>;
  /** Wall clock: the store's clock for staff actions and escalation is extrapolated with it. */
  clock: Clock;
  logger: Logger;
}

interface StoreClock {
  maxTs: number;
  wallAtMaxTs: number;
  /** Backend time the store's last new reading arrived. */
  wallAtArrival: number;
}

/**
 * One rule engine per store this replica runs (all of them with an embedded database), and
 * each store's event-time clock.
 *
 * Rule state after a restart is rebuilt by replay: the readings of the last
 * `replayHours` (kept in storage with the reading ids, in the same transaction) are fed
 * through a fresh engine in event-time order and its decisions are discarded, because
 * their effects (tasks, history, outbox rows) were committed when they first happened.
 * The same replay rebuilds a store's engine after a planogram change.
 */
export class EngineHost {
  private readonly engines = new Map<string, RuleEngine>();
  private readonly clocks = new Map<string, StoreClock>();
  /** Each store's backroom levels as the rules see them (they ask synchronously, mid-reading). */
  private readonly backroom = new Map<string, Map<string, number>>();
  /** Every store in the database, wherever its rules run. */
  private known = new Set<string>();
  /** Event time of the newest learnt statistics saved (or loaded) per store. */
  private readonly learntAsOf = new Map<string, number>();

  constructor(private readonly ctx: EngineHostContext) {}

  /** Runs every store here (one process, or a test): builds each engine by replay. */
  async start(): Promise<{ stores: number; replayed: number }> {
    await this.refreshStores();
    let replayed = 0;
    for (const storeId of this.known) replayed += await this.rebuild(storeId);
    return { stores: this.engines.size, replayed };
  }

  /** Reads which stores exist (a store created through another replica becomes known here). */
  async refreshStores(): Promise<void> {
    this.known = new Set(await this.ctx.storage.catalog.storeIds());
  }

  knows(storeId: string): boolean {
    return this.known.has(storeId);
  }

  /** This replica no longer runs the store's rules: forget its state (a later takeover replays). */
  release(storeId: string): void {
    this.engines.delete(storeId);
    this.clocks.delete(storeId);
    this.backroom.delete(storeId);
    this.learntAsOf.delete(storeId);
  }

  /** (Re)creates a store's engine from its current layout and replays its recent readings. */
  async rebuild(storeId: string): Promise<number> {
    const { catalog, readings: stored } = this.ctx.storage;
    const layout = await catalog.layout(storeId);
    if (!layout) {
      this.release(storeId);
      return 0;
    }
    this.known.add(storeId);
    this.setBackroom(storeId, await catalog.backroom(storeId));
    const learnt = await this.loadLearnt();
    const own = learnt.get(storeId);
    const model: StoreModel = {
      layout,
      limits: this.ctx.limits,
      backroomUnits: (sku) => this.backroom.get(storeId)?.get(sku) ?? 0,
      ...(own ? { learnt: own } : {}),
      chainPace: chainPace([...learnt].filter(([id]) => id !== storeId).map(([, l]) => l)),
    };
    if (own) this.learntAsOf.set(storeId, own.asOf);
    else this.learntAsOf.delete(storeId);
    const engine = this.ctx.createRuleEngine(model);
    const readings = await stored.recent(storeId);
    for (const r of readings) {
      try {
        engine.onReading(r);
      } catch (err) {
        this.ctx.logger.warn({ err, readingId: r.id }, 'replay: rule engine threw on a reading; skipped');
      }
    }
    this.engines.set(storeId, engine);
    const maxTs = await stored.maxTs(storeId);
    const wall = this.ctx.clock.now();
    if (maxTs !== null && !this.clocks.has(storeId)) this.clocks.set(storeId, { maxTs, wallAtMaxTs: wall, wallAtArrival: wall });
    this.ctx.logger.info({ storeId, replayed: readings.length, forecastLearntAsOf: own ? new Date(own.asOf).toISOString() : null }, 'rule engine ready');
    return readings.length;
  }

  /** Every store's saved forecast statistics that are valid (an invalid or older shape is ignored: that store learns afresh). */
  private async loadLearnt(): Promise<Map<string, StoreLearning>> {
    const out = new Map<string, StoreLearning>();
    for (const record of await this.ctx.storage.learning.all(FORECAST_LEARNING)) {
      const parsed = storeLearningSchema.safeParse(record.body);
      if (parsed.success) out.set(record.storeId, parsed.data);
      else this.ctx.logger.warn({ storeId: record.storeId, issues: parsed.error.issues.slice(0, 3) }, 'saved forecast statistics ignored: not in the expected shape');
    }
    return out;
  }

  /**
   * Saves, in the unit of work that committed the store's decisions, what its forecast learnt
   * up to the latest whole hour, when that is newer than what is saved. A rolled-back unit of
   * work rebuilds the engine, which reads back what was saved.
   */
  async saveLearnt(tx: Repos, storeId: string): Promise<void> {
    const learnt = this.engines.get(storeId)?.learnt?.();
    if (!learnt || learnt.asOf <= (this.learntAsOf.get(storeId) ?? -Infinity)) return;
    await tx.learning.put(FORECAST_LEARNING, { storeId, asOf: learnt.asOf, body: learnt });
    this.learntAsOf.set(storeId, learnt.asOf);
  }

  /** Sets the store's backroom levels the rules see (read by the unit of work that runs them). */
  setBackroom(storeId: string, lines: readonly { sku: string; units: number }[]): void {
    this.backroom.set(storeId, new Map(lines.map((l) => [l.sku, l.units])));
  }

  engine(storeId: string): RuleEngine | undefined {
    return this.engines.get(storeId);
  }

  /** The stores whose rules run here. */
  storeIds(): string[] {
    return [...this.engines.keys()];
  }

  /** Records that new readings of a store arrived, the newest device data with event time `ts` (null: statuses only). */
  observe(storeId: string, ts: number | null): void {
    const c = this.clocks.get(storeId);
    const wall = this.ctx.clock.now();
    if (ts !== null && (!c || ts > c.maxTs)) this.clocks.set(storeId, { maxTs: ts, wallAtMaxTs: wall, wallAtArrival: wall });
    else if (c) c.wallAtArrival = wall;
  }

  /** Backend time since the store's last new reading arrived (0 before any). */
  silentForMs(storeId: string): number {
    const c = this.clocks.get(storeId);
    return c ? Math.max(0, this.ctx.clock.now() - c.wallAtArrival) : 0;
  }

  /** The newest event time any reading of the store carried (null before any). */
  newestTs(storeId: string): number | null {
    return this.clocks.get(storeId)?.maxTs ?? null;
  }

  /** False until the store's first reading: before it there is no event time to advance. */
  hasEventTime(storeId: string): boolean {
    return this.clocks.has(storeId);
  }

  /**
   * The store's clock for what people do (acknowledging, closing, escalation): the latest
   * reading time, advanced by wall time since it arrived, so accelerated simulations and real
   * stores alike stamp staff actions near the readings. A wall-clock dependence by design; the
   * rules never use it (they decide at their own watermark, see rules/store-watermark.ts).
   */
  now(storeId: string): number {
    const c = this.clocks.get(storeId);
    if (!c) return this.ctx.clock.now();
    return c.maxTs + Math.max(0, this.ctx.clock.now() - c.wallAtMaxTs);
  }
}
