import type { CaseView, ProductCategory, Reading, ShelfView, StoreLayout, TaskEvidence, TaskKind, TaskLocation, TaskSeverity } from '@shelfwatch/contracts';
import type { z } from 'zod';
import type { ColdChainLimits, RuleTuning } from './defaults.js';
import type { ChainPace, StoreLearning } from './forecast/learning.js';
import type { ForecastTuning } from './forecast/tuning.js';

export type { ColdChainLimits } from './defaults.js';

/**
 * The seam between the pure rules (backend/src/rules) and the service around them
 * (storage, tasks, API, webhooks). Rules see readings in event-time order and emit
 * decisions; they never touch a database, a socket or the wall clock.
 */

/** Everything the rules know about a store: layout plus per-store settings. */
export interface StoreModel {
  layout: StoreLayout;
  limits: Record<'chilled' | 'frozen', ColdChainLimits>;
  /** Units in the backroom per SKU (changes with deliveries and restocks). */
  backroomUnits(sku: string): number;
  /** Optional overrides of the rules' non-limit knobs (persistence times, probe checks); see limits-schema.ts. */
  tuning?: Partial<RuleTuning>;
  /** Optional overrides of the sell-out forecast's knobs (lead time, quantiles); see forecast/tuning.ts. */
  forecast?: Partial<ForecastTuning>;
  /** What the store's forecast had learnt up to a whole hour, to build on before the readings after it are replayed. */
  learnt?: StoreLearning;
  /** Each product's pace in the chain's other stores, lent to slots with little evidence of their own. */
  chainPace?: ChainPace;
}

export type ProductCategoryOf = ProductCategory;

/** A condition the rules assert for (kind, locationKey): the service keeps one task per pair. */
export interface Condition {
  storeId: string;
  kind: TaskKind;
  locationKey: string;
  severity: TaskSeverity;
  location: TaskLocation;
  title: string;
  action: string;
  reason: string;
  evidence: z.infer<typeof TaskEvidence>[];
  products: { sku: string; name: string }[];
}

export type RuleDecision =
  /** Raise a task for the condition, or update the open one (same kind + locationKey). */
  | { type: 'assert'; at: number; condition: Condition }
  /** The condition has cleared (after hysteresis): auto-resolve the open task, if any. */
  | { type: 'clear'; at: number; storeId: string; kind: TaskKind; locationKey: string; reason: string }
  /** Units moved from the backroom to a slot (a stable rise of its weight): the backroom count goes down. */
  | { type: 'restock'; at: number; storeId: string; sku: string; slotId: string; units: number }
  /** Shelf plus backroom cannot cover the reorder point: ask the supplier. */
  | {
      type: 'replenish';
      at: number;
      storeId: string;
      supplierId: string;
      lines: { sku: string; quantity: number; packs: number }[];
      reason: string;
    };

/** KPI snapshot written to InfluxDB once per minute of event time (see contracts MEASUREMENTS). */
export interface StoreKpis {
  storeId: string;
  at: number;
  availability: { aisle: string; onShelfPct: number; oosSlots: number; slots: number }[];
  compliance: { shelfId: string; compliancePct: number }[];
  cases: { caseId: string; minutesAboveLimit: number; inAlarm: boolean; plant: { dutyPct: number | null; capacityPctOfNormal: number | null; serviceNeeded: boolean } }[];
  /** Planogram compliance over every slot the cameras have judged (null before any). Optional addition. */
  storeCompliancePct?: number | null;
  /** Sell-out forecasts of the slots with enough sales behind them. Optional addition. */
  forecasts?: { aisle: string; slotId: string; sku: string; units: number; salesPerHour: number; minutesToEmpty: number | null; unitsInOneHour: number }[];
}

export interface RuleEngine {
  /**
   * Feed one reading as it arrives (each device's readings in their order; devices may be
   * interleaved in any order within the reordering window). Returns the decisions that became
   * final: the engine decides an event time once every live device has reported up to it.
   */
  onReading(reading: Reading): RuleDecision[];
  /**
   * Declares that every reading up to `nowMs` has arrived and decides up to it (the end of a
   * replay, a test). The service never calls it with its own clock: a store's event time
   * advances with its readings only.
   */
  onTick(nowMs: number): RuleDecision[];
  /** Event time before which every decision is taken (null before the first reading). Optional addition. */
  eventTime?(): number | null;
  /** Readings that arrived after their time was decided. Optional addition. */
  lateReadings?(): number;
  /** Current per-slot and per-case state for the staff app's views and KPIs. */
  kpis(nowMs: number): StoreKpis;
  /** Planned vs seen per slot of one shelf (null for an unknown shelf). */
  shelfView(shelfId: string): ShelfView | null;
  /** Every case's current temperature and state. */
  caseViews(): CaseView[];
  /**
   * Optional addition. After a restart, tell the engine which tasks are still open (kind,
   * locationKey) so it can clear them once their condition is gone. Rules first rebuild their
   * state from new readings: no clear is emitted for them within a grace period (60 min of
   * event time by default) unless the condition is re-asserted and then clears normally.
   */
  restoreOpen?(open: { kind: TaskKind; locationKey: string }[], nowMs: number): void;
  /** Optional addition. What the store's forecast has learnt up to the latest whole hour of event time, to keep across restarts. */
  learnt?(): StoreLearning | null;
}

/** The rules package's entry point (backend/src/rules/index.ts exports it). */
export type CreateRuleEngine = (model: StoreModel) => RuleEngine;
