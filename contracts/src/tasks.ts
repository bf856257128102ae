import { z } from 'zod';
import { CaseId, EpochMs, ShelfId, Sku, SlotId, StoreId } from './ids.js';

/**
 * Tasks: the unit store staff act on. These shapes cross the backend's HTTP API (tasks,
 * SSE feed) to the staff app and handhelds, so they are contracts, not backend internals.
 */
export const TaskKind = z.enum([
  'out_of_stock',
  'low_stock',
  /** Weight and camera disagree about a slot: somebody should look, it is not an alarm. */
  'verify_stock',
  'planogram_violation',
  'temperature_excursion',
  'spoilage',
  'sensor_fault',
  'delivery_receive',
  /** A case's refrigeration drifts from its own normal the way failing plant does: for the technician, before the product warms. */
  'refrigeration_maintenance',
]);
export type TaskKind = z.infer<typeof TaskKind>;

export const TaskSeverity = z.enum(['info', 'warning', 'critical']);
export type TaskSeverity = z.infer<typeof TaskSeverity>;

/** open → acknowledged → done (by a person), or → resolved (the condition cleared by itself). */
export const TaskStatus = z.enum(['open', 'acknowledged', 'done', 'resolved']);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const TaskLocation = z
  .object({
    aisle: z.string().optional(),
    shelfId: ShelfId.optional(),
    slotId: SlotId.optional(),
    caseId: CaseId.optional(),
    sku: Sku.optional(),
    /** Human words: "Aisle 3, shelf 3B, slot 4 (Oat milk 1 l)" or "Case 4 (dairy multideck)". */
    label: z.string(),
  })
  .strict();
export type TaskLocation = z.infer<typeof TaskLocation>;

export const TaskEvidence = z.object({ ts: EpochMs, text: z.string() }).strict();

/**
 * A restock-soon warning (a `low_stock` task raised by the sell-out forecast) carries its
 * horizon as evidence: `ts` is the time by which the forecast is almost sure the slot is empty
 * if nobody restocks, and the text starts with this. The evaluation scores warnings by it.
 */
export const FORECAST_HORIZON_EVIDENCE = 'Forecast: the slot is almost surely empty by then if nobody restocks';

export const TaskHistoryEntry = z
  .object({
    at: EpochMs,
    /** "system" for the rules, or the staff member / supplier subject. */
    by: z.string(),
    action: z.enum(['raised', 'updated', 'acknowledged', 'done', 'resolved', 'escalated', 'reopened']),
    text: z.string(),
  })
  .strict();

export const Task = z
  .object({
    id: z.string(),
    storeId: StoreId,
    kind: TaskKind,
    severity: TaskSeverity,
    status: TaskStatus,
    location: TaskLocation,
    /** (kind, locationKey) is unique among open and acknowledged tasks. */
    locationKey: z.string(),
    title: z.string(),
    /** What to do, imperative: "Restock from backroom: 12 units". */
    action: z.string(),
    /** Why, in plain words: "Case 4 has been above 5 °C for 47 min; not a defrost". */
    reason: z.string(),
    evidence: z.array(TaskEvidence),
    products: z.array(z.object({ sku: Sku, name: z.string() }).strict()),
    raisedAt: EpochMs,
    updatedAt: EpochMs,
    acknowledgedAt: EpochMs.nullable(),
    acknowledgedBy: z.string().nullable(),
    closedAt: EpochMs.nullable(),
    closedBy: z.string().nullable(),
    /** Corrective action recorded on Done (what food-safety audits ask for). */
    note: z.string().nullable(),
    escalationLevel: z.number().int().min(0),
    version: z.number().int().min(1),
  })
  .strict();
export type Task = z.infer<typeof Task>;

export const TaskWithHistory = Task.extend({ history: z.array(TaskHistoryEntry) });
export type TaskWithHistory = z.infer<typeof TaskWithHistory>;

export const TaskEventType = z.enum(['raised', 'updated', 'acknowledged', 'done', 'resolved', 'escalated']);
export type TaskEventType = z.infer<typeof TaskEventType>;

/** One SSE message on GET /api/v1/alerts/stream: `id: <seq>`, `event: task`, `data: <TaskEvent JSON>`. */
export const TaskEvent = z.object({ seq: z.number().int().min(1), type: TaskEventType, task: Task }).strict();
export type TaskEvent = z.infer<typeof TaskEvent>;

export const AckBody = z.object({}).strict();
export const DoneBody = z.object({ note: z.string().max(500).optional() }).strict();

/** When a slot will run empty at its current pace (event time). */
export const SlotForecastView = z
  .object({
    /** Expected sales per hour at this hour of the day. */
    salesPerHour: z.number().min(0),
    /** Empty with probability 1/2 (null: not within a day, or no sales seen yet). */
    emptyAt: EpochMs.nullable(),
    /** Minutes from the store's event time (what its readings have reached) to `emptyAt`. */
    minutesToEmpty: z.number().min(0).nullable(),
    /** The cautious "restock before" time: empty with a small probability by then. */
    deadlineAt: EpochMs.nullable(),
    /** Whether enough sales stand behind the pace for the forecast to warn anybody. */
    confident: z.boolean(),
  })
  .strict();
export type SlotForecastView = z.infer<typeof SlotForecastView>;

/** Shelf view for the staff app: planned vs seen per slot. */
export const SlotView = z
  .object({
    slotId: SlotId,
    channel: z.number().int(),
    plannedSku: Sku,
    plannedName: z.string(),
    plannedFacings: z.number().int(),
    capacity: z.number().int(),
    reorderPoint: z.number().int(),
    unitsByWeight: z.number().int().nullable(),
    seenSku: Sku.nullable(),
    seenFacings: z.number().int().nullable(),
    gap: z.boolean().nullable(),
    lastReadingAt: EpochMs.nullable(),
    compliant: z.boolean().nullable(),
    /** The sell-out forecast (null: no count of the slot's stock). Optional addition. */
    forecast: SlotForecastView.nullable().optional(),
  })
  .strict();
export const ShelfView = z
  .object({ storeId: StoreId, shelfId: ShelfId, aisle: z.string(), compliancePct: z.number().nullable(), slots: z.array(SlotView) })
  .strict();
export type ShelfView = z.infer<typeof ShelfView>;

export const CaseState = z.enum(['cooling', 'defrost', 'door_open', 'alarm', 'offline', 'unknown']);
/** A case's refrigeration plant against its own learned normal (see the rules README, "Refrigeration maintenance"). */
export const PlantView = z
  .object({
    /** Share of time the compressor ran over its latest clean cycles, % (null before it has any). */
    dutyPct: z.number().nullable(),
    /** The same in the case's learned normal, % (null while it is still learning). */
    normalDutyPct: z.number().nullable(),
    /** Cooling capacity as a share of the normal, %: of a run longer than any normal one while it lasts, else of the latest clean cycles (null while unknown). */
    capacityPctOfNormal: z.number().nullable(),
    /** Since when a refrigeration-maintenance finding stands (event time), or null. */
    serviceNeededSince: EpochMs.nullable(),
  })
  .strict();
export type PlantView = z.infer<typeof PlantView>;
export const CaseView = z
  .object({
    storeId: StoreId,
    caseId: CaseId,
    name: z.string(),
    aisle: z.string(),
    category: z.enum(['chilled', 'frozen']),
    airTempC: z.number().nullable(),
    productTempC: z.number().nullable(),
    setpointC: z.number().nullable(),
    limitC: z.number(),
    state: CaseState,
    minutesAboveLimit: z.number(),
    updatedAt: EpochMs.nullable(),
    plant: PlantView,
  })
  .strict();
export type CaseView = z.infer<typeof CaseView>;

/** Body of POST /api/v1/deliveries (supplier role). */
export const DeliveryConfirmation = z
  .object({
    storeId: StoreId,
    /** The replenishment request this delivery answers (webhook payload's requestId), if any. */
    requestId: z.string().min(1).max(100).optional(),
    deliveryId: z.string().min(1).max(80),
    expectedAt: EpochMs,
    lines: z.array(z.object({ sku: Sku, quantity: z.number().int().positive() }).strict()).min(1).max(500),
  })
  .strict();
export type DeliveryConfirmation = z.infer<typeof DeliveryConfirmation>;

/** Body of the supplier webhook "replenishment.requested" (Standard Webhooks envelope: type, timestamp, data). */
export const ReplenishmentRequested = z
  .object({
    type: z.literal('replenishment.requested'),
    timestamp: z.string(),
    data: z
      .object({
        requestId: z.string(),
        storeId: StoreId,
        supplierId: z.string(),
        lines: z.array(z.object({ sku: Sku, quantity: z.number().int().positive(), packs: z.number().int().positive() }).strict()),
        reason: z.string(),
      })
      .strict(),
  })
  .strict();
export type ReplenishmentRequested = z.infer<typeof ReplenishmentRequested>;

export const Role = z.enum(['staff', 'operations', 'supplier', 'device']);
export type Role = z.infer<typeof Role>;
