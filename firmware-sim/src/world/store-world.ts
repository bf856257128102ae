import type { Product, RefrigeratedCase, Slot, StoreLayout } from '@shelfwatch/contracts';
import type { Scenario, TimelineEvent } from '../scenario/schema.js';
import { DEFAULT_DEMAND_CURVE, demandRatePerS } from './demand.js';
import { IntervalTracker, minutesBetween, type GroundTruthEvent, type GroundTruthSink, type StockCause } from './ground-truth.js';
import { DEFAULT_LOAD_CELL, LoadCellChannel, type LoadCellParams } from './load-cell.js';
import { NO_PROBE_FAULTS, ProbeSensor, type ProbeFaults } from './probe-model.js';
import { Rng } from './rng.js';
import { defaultPhysics, defrostStarts, initialCaseState, stepCase, type CasePhysics, type CaseState } from './thermal-case.js';

const DAY_MS = 86_400_000;
/** Food-safety limits of the product (not the air): above these the product is at risk. */
export const PRODUCT_LIMIT_C = { chilled: 5, frozen: -18 } as const;

export interface SlotSim {
  slot: Slot;
  shelfId: string;
  boardId: string;
  product: Product;
  units: number;
  facingsActual: number;
  misplaced: { sku: string; units: number; unitWeightG: number } | null;
  cell: LoadCellChannel;
  rng: Rng;
  restockDueMs: number | null;
}

export interface CaseSim {
  def: RefrigeratedCase;
  physics: CasePhysics;
  state: CaseState;
  defrostStartsOfDay: number[];
  defrostUntilMs: number | null;
  manualDefrost: number;
  doorOpenUntilMs: number;
  doorOpenSinceMs: number | null;
  ajar: number;
  compressorFailed: number;
  fanFailed: number;
  rng: Rng;
}

export interface ProbeSim {
  id: string;
  caseId: string;
  placement: 'air' | 'product';
  sensor: ProbeSensor;
  faults: ProbeFaults;
  /** Wireless link down (probe_disconnect mode offline): no messages, broker publishes the last will. */
  offline: number;
}

export interface BoardFaults {
  corruptRate: number;
  dropRate: number;
  disconnected: number;
}

interface Scheduled {
  atMs: number;
  order: number;
  run: (atMs: number) => void;
}

type ExternalAction = { kind: 'restock'; slotId: string; units?: number } | { kind: 'delivery'; sku: string; units: number };

export interface WorldOptions {
  scenario: Scenario;
  seed: number;
  /** Sim seconds to run; defaults to the scenario's. */
  durationS?: number;
  sink: GroundTruthSink;
}

/**
 * The store's true state, stepped in fixed simulated time. Pure: no I/O, no wall clock;
 * the same (scenario, seed) gives the same states and the same ground truth. Devices
 * (firmware/) read it; transports never touch it.
 */
export class StoreWorld {
  readonly layout: StoreLayout;
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  nowMs: number;
  readonly slots = new Map<string, SlotSim>();
  readonly cases = new Map<string, CaseSim>();
  readonly probes = new Map<string, ProbeSim>();
  readonly boardFaults = new Map<string, BoardFaults>();
  readonly controllerOffline = new Map<string, number>();
  unitsSold = 0;
  lostSales = 0;

  private readonly tzOffsetMs: number;
  private readonly curve: readonly number[];
  private readonly products = new Map<string, Product>();
  private readonly backroom = new Map<string, number>();
  private readonly rushes: { multiplier: number; skus: Set<string> | null; id: number }[] = [];
  private readonly scheduled: Scheduled[] = [];
  private scheduleOrder = 0;
  private readonly external: ExternalAction[] = [];
  private readonly oos: IntervalTracker<{ slotId: string; sku: string }>;
  private readonly low: IntervalTracker<{ slotId: string; sku: string; reorderPoint: number }>;
  private readonly risk: IntervalTracker<{ caseId: string; category: 'chilled' | 'frozen'; limitC: number; peakC: number }>;
  private readonly planogram: IntervalTracker<{ slotId: string; violation: 'wrong_product' | 'missing_facings'; expectedSku: string; foundSku: string | null }>;
  private readonly faults: IntervalTracker<{ fault: string; target: string; detail: Record<string, unknown> }>;
  private readonly defrosts: IntervalTracker<{ caseId: string }>;
  private readonly doors: IntervalTracker<{ caseId: string; ajar: boolean }>;
  private finished = false;

  constructor(
    private readonly opts: WorldOptions,
    private readonly rng: Rng,
    private readonly loadCell: LoadCellParams,
  ) {
    const { scenario } = opts;
    this.layout = scenario.layout;
    this.startMs = Date.parse(scenario.settings.startTime);
    this.stepMs = scenario.settings.stepMs;
    this.endMs = this.startMs + Math.round((opts.durationS ?? scenario.settings.durationS) * 1000);
    this.nowMs = this.startMs;
    this.tzOffsetMs = timeZoneOffsetMs(this.startMs, this.layout.store.timezone);
    this.curve = scenario.settings.demand.curve ?? DEFAULT_DEMAND_CURVE;
    const emit = (e: GroundTruthEvent) => this.opts.sink(e);
    this.oos = new IntervalTracker((_k, s, e, i, open) =>
      emit({ type: 'out_of_stock', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }),
    );
    this.low = new IntervalTracker((_k, s, e, i, open) =>
      emit({ type: 'low_stock', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }),
    );
    this.risk = new IntervalTracker((_k, s, e, i, open) =>
      emit({ type: 'product_at_risk', ts: e, ...i, peakC: round2(i.peakC), startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }),
    );
    this.planogram = new IntervalTracker((_k, s, e, i, open) =>
      emit({ type: 'planogram_violation', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }),
    );
    this.faults = new IntervalTracker((_k, s, e, i, open) =>
      emit({ type: 'fault', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }),
    );
    this.defrosts = new IntervalTracker((_k, s, e, i, open) =>
      emit({ type: 'defrost', ts: e, ...i, startMs: s, endMs: e, minutes: minutesBetween(s, e), openAtEnd: open }),
    );
    this.doors = new IntervalTracker((_k, s, e, i, open) =>
      emit({ type: 'door_open', ts: e, ...i, startMs: s, endMs: e, seconds: Math.round((e - s) / 100) / 10, openAtEnd: open }),
    );
  }

  static create(opts: WorldOptions): StoreWorld {
    const rng = new Rng(opts.seed, 'world');
    const lc = { ...DEFAULT_LOAD_CELL, ...stripUndefined(opts.scenario.settings.loadCell) };
    const world = new StoreWorld(opts, rng, lc);
    world.init();
    return world;
  }

  private init(): void {
    const { settings, timeline, name } = this.opts.scenario;
    this.emit({
      type: 'run_start',
      ts: this.startMs,
      storeId: this.layout.store.id,
      scenario: name,
      seed: this.opts.seed,
      startMs: this.startMs,
      durationS: (this.endMs - this.startMs) / 1000,
      stepMs: this.stepMs,
    });
    for (const p of this.layout.products) {
      this.products.set(p.sku, p);
      this.backroom.set(p.sku, settings.backroom.skus[p.sku] ?? settings.backroom.defaultUnits);
    }
    for (const shelf of this.layout.shelves) {
      this.boardFaults.set(shelf.boardId, { corruptRate: 0, dropRate: 0, disconnected: 0 });
      for (const slot of shelf.slots) {
        const product = this.products.get(slot.sku)!;
        const rng = this.rng.fork(`slot:${slot.id}`);
        const units = settings.initialStock.slots[slot.id] ?? Math.round(slot.capacity * settings.initialStock.fraction);
        const cell = LoadCellChannel.install(slot.calibration, this.loadCell, rng.fork('cell'), units * product.unitWeightG);
        const sim: SlotSim = { slot, shelfId: shelf.id, boardId: shelf.boardId, product, units, facingsActual: slot.facings, misplaced: null, cell, rng, restockDueMs: null };
        this.slots.set(slot.id, sim);
        this.emit({ type: 'stock', ts: this.startMs, slotId: slot.id, sku: slot.sku, units, cause: 'initial' });
        this.trackStock(sim, this.startMs);
      }
    }
    for (const c of this.layout.cases) {
      const physics: CasePhysics = {
        ...defaultPhysics(c.type, c.category),
        ...stripUndefined(settings.cases.byType[c.type] ?? {}),
        ...stripUndefined(settings.cases.byCase[c.id] ?? {}),
      };
      const rng = this.rng.fork(`case:${c.id}`);
      this.cases.set(c.id, {
        def: c,
        physics,
        state: initialCaseState(c.setpointC),
        defrostStartsOfDay: defrostStarts(physics, rng.uniform(0.05, 0.95)),
        defrostUntilMs: null,
        manualDefrost: 0,
        doorOpenUntilMs: 0,
        doorOpenSinceMs: null,
        ajar: 0,
        compressorFailed: 0,
        fanFailed: 0,
        rng,
      });
      this.controllerOffline.set(c.controllerId, 0);
      for (const p of c.probes) {
        this.probes.set(p.id, {
          id: p.id,
          caseId: c.id,
          placement: p.placement,
          sensor: ProbeSensor.install(settings.probes.noiseC, this.rng.fork(`probe:${p.id}`)),
          faults: { ...NO_PROBE_FAULTS },
          offline: 0,
        });
      }
    }
    timeline.forEach((event) => this.schedule(this.startMs + Math.round(event.at * 1000), (at) => this.apply(event, at)));
  }

  get done(): boolean {
    return this.nowMs >= this.endMs;
  }

  /** Staff restock a slot (from the backroom); applied at the start of the next step. */
  restock(slotId: string, units?: number): void {
    if (!this.slots.has(slotId)) throw new RangeError(`unknown slot '${slotId}'`);
    if (units !== undefined && !(Number.isInteger(units) && units > 0)) throw new RangeError(`units must be a positive integer, got ${units}`);
    this.external.push({ kind: 'restock', slotId, ...(units === undefined ? {} : { units }) });
  }

  receiveDelivery(sku: string, units: number): void {
    if (!this.products.has(sku)) throw new RangeError(`unknown sku '${sku}'`);
    if (!(Number.isInteger(units) && units > 0)) throw new RangeError(`units must be a positive integer, got ${units}`);
    this.external.push({ kind: 'delivery', sku, units });
  }

  backroomUnits(sku: string): number {
    return this.backroom.get(sku) ?? 0;
  }

  /** Ambient store air: a gentle daily swing peaking mid-afternoon. */
  ambientC(atMs: number): number {
    const { ambientC, ambientSwingC } = this.opts.scenario.settings;
    const hour = this.localHour(atMs);
    return ambientC + ambientSwingC * Math.sin((2 * Math.PI * (hour - 9)) / 24);
  }

  localHour(atMs: number): number {
    return (((atMs + this.tzOffsetMs) % DAY_MS) + DAY_MS) % DAY_MS / 3_600_000;
  }

  /** Advances the world by one step. */
  step(): void {
    if (this.done) return;
    const t0 = this.nowMs;
    const t1 = Math.min(this.endMs, t0 + this.stepMs);
    const dtS = (t1 - t0) / 1000;
    this.runScheduled(t1);
    this.applyExternal(t0);
    this.stepDemand(t0, t1, dtS);
    this.stepRestocks(t1);
    for (const c of this.cases.values()) this.stepCaseSim(c, t0, t1, dtS);
    this.nowMs = t1;
    this.runScheduled(t1);
    if (this.done) this.finish();
  }

  /** Ends the run at the current simulated time (a stop before the scenario's end). */
  end(): void {
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const at = this.nowMs;
    for (const t of [this.oos, this.low, this.risk, this.planogram, this.faults, this.defrosts, this.doors] as { closeAll(at: number): void }[]) t.closeAll(at);
    this.emit({ type: 'run_end', ts: at, simulatedS: (at - this.startMs) / 1000, unitsSold: this.unitsSold, lostSales: this.lostSales });
  }

  private emit(e: GroundTruthEvent): void {
    this.opts.sink(e);
  }

  private schedule(atMs: number, run: (atMs: number) => void): void {
    this.scheduled.push({ atMs, order: this.scheduleOrder++, run });
    this.scheduled.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  }

  private runScheduled(uptoMs: number): void {
    while (this.scheduled.length > 0 && this.scheduled[0]!.atMs <= uptoMs) {
      const next = this.scheduled.shift()!;
      next.run(next.atMs);
    }
  }

  private applyExternal(atMs: number): void {
    for (const action of this.external.splice(0)) {
      if (action.kind === 'restock') this.doRestock(action.slotId, atMs, 'api', action.units);
      else this.doDelivery(action.sku, action.units, atMs, 'api');
    }
  }

  private rushMultiplier(sku: string): number {
    let m = 1;
    for (const r of this.rushes) if (r.skus === null || r.skus.has(sku)) m *= r.multiplier;
    return m;
  }

  private stepDemand(t0: number, t1: number, dtS: number): void {
    const demand = this.opts.scenario.settings.demand;
    const hour = this.localHour(t0);
    for (const s of this.slots.values()) {
      const perDay = demand.skuUnitsPerDay[s.slot.sku] ?? demand.unitsPerSlotPerDay;
      const rate = demandRatePerS(perDay, this.curve, hour, this.rushMultiplier(s.slot.sku));
      if (rate <= 0) continue;
      const sales = s.rng.poisson(rate * dtS);
      for (let i = 0; i < sales; i++) {
        const at = t0 + Math.floor(s.rng.next() * (t1 - t0)) + 1;
        if (s.units > 0) {
          s.units--;
          this.unitsSold++;
          s.cell.change(-s.product.unitWeightG, at);
          this.emit({ type: 'stock', ts: at, slotId: s.slot.id, sku: s.slot.sku, units: s.units, cause: 'sale' });
          this.trackStock(s, at);
        } else {
          this.lostSales++;
        }
      }
      const touches = s.rng.poisson(rate * demand.touchesPerSale * dtS);
      for (let i = 0; i < touches; i++) {
        // A hand presses on the products or lifts one and puts it back: weight moves, stock does not.
        const at = t0 + Math.floor(s.rng.next() * (t1 - t0)) + 1;
        const press = s.rng.chance(0.5);
        const delta = (press ? 1 : -1) * s.product.unitWeightG * s.rng.uniform(0.3, 1);
        if (!press && s.units === 0) continue;
        const dur = Math.round(s.rng.uniform(800, 4000));
        s.cell.change(delta, at);
        s.cell.change(-delta, at + dur);
      }
    }
  }

  private stepRestocks(t1: number): void {
    const policy = this.opts.scenario.settings.autoRestock;
    if (!policy.enabled) return;
    for (const s of this.slots.values()) {
      const needs = policy.trigger === 'empty' ? s.units === 0 : s.units <= s.slot.reorderPoint;
      if (!needs) {
        s.restockDueMs = null;
        continue;
      }
      if (s.restockDueMs === null) s.restockDueMs = t1 + policy.delayMin * 60_000;
      else if (s.restockDueMs <= t1 && this.backroomUnits(s.slot.sku) > 0) this.doRestock(s.slot.id, t1, 'auto');
    }
  }

  private doRestock(slotId: string, atMs: number, by: 'auto' | 'timeline' | 'api', units?: number): void {
    const s = this.slots.get(slotId);
    if (!s) return;
    if (s.misplaced) this.clearMisplaced(s, atMs);
    const want = Math.max(0, Math.min(units ?? s.slot.capacity - s.units, s.slot.capacity - s.units));
    const take = Math.min(want, this.backroomUnits(s.slot.sku));
    if (take <= 0) return;
    this.backroom.set(s.slot.sku, this.backroomUnits(s.slot.sku) - take);
    s.units += take;
    s.restockDueMs = null;
    s.cell.change(take * s.product.unitWeightG, atMs);
    this.emit({ type: 'restock', ts: atMs, slotId, sku: s.slot.sku, units: take, by });
    this.emit({ type: 'stock', ts: atMs, slotId, sku: s.slot.sku, units: s.units, cause: 'restock' });
    this.trackStock(s, atMs);
  }

  private doDelivery(sku: string, units: number, atMs: number, source: 'timeline' | 'api'): void {
    if (!this.products.has(sku) || units <= 0) return;
    this.backroom.set(sku, this.backroomUnits(sku) + units);
    this.emit({ type: 'delivery', ts: atMs, sku, units, source });
  }

  private clearMisplaced(s: SlotSim, atMs: number): void {
    if (!s.misplaced) return;
    s.cell.change(-s.misplaced.units * s.misplaced.unitWeightG, atMs);
    s.misplaced = null;
    this.emit({ type: 'stock', ts: atMs, slotId: s.slot.id, sku: s.slot.sku, units: s.units, cause: 'cleared' });
    this.trackStock(s, atMs);
  }

  private trackStock(s: SlotSim, atMs: number): void {
    const id = s.slot.id;
    const sku = s.slot.sku;
    this.oos.set(id, s.units === 0, atMs, () => ({ slotId: id, sku }));
    this.low.set(id, s.units <= s.slot.reorderPoint, atMs, () => ({ slotId: id, sku, reorderPoint: s.slot.reorderPoint }));
    const misplaced = s.misplaced;
    this.planogram.set(`${id}:wrong_product`, misplaced !== null, atMs, () => ({
      slotId: id,
      violation: 'wrong_product',
      expectedSku: sku,
      foundSku: misplaced?.sku ?? null,
    }));
    this.planogram.set(`${id}:missing_facings`, s.facingsActual < s.slot.facings, atMs, () => ({
      slotId: id,
      violation: 'missing_facings',
      expectedSku: sku,
      foundSku: sku,
    }));
  }

  /** What a camera sees at the front of a slot. */
  slotView(slotId: string): { slotId: string; frontSku: string | null; facingsVisible: number } {
    const s = this.slots.get(slotId)!;
    const frontSku = s.misplaced ? s.misplaced.sku : s.units > 0 ? s.slot.sku : null;
    const visible = Math.min(s.facingsActual, s.units + (s.misplaced?.units ?? 0));
    return { slotId, frontSku, facingsVisible: visible };
  }

  private stepCaseSim(c: CaseSim, t0: number, t1: number, dtS: number): void {
    const id = c.def.id;
    // Scheduled defrosts, by local time of day.
    const d0 = this.msOfDay(t0);
    const d1 = this.msOfDay(t1);
    if (c.defrostUntilMs === null && c.defrostStartsOfDay.some((s) => crosses(d0, d1, s))) {
      c.defrostUntilMs = t1 + c.physics.defrostMin * 60_000;
      this.defrosts.set(id, true, t1, () => ({ caseId: id }));
    }
    if (c.defrostUntilMs !== null && c.defrostUntilMs <= t1 && c.manualDefrost === 0) {
      this.defrosts.set(id, false, c.defrostUntilMs, () => ({ caseId: id }));
      c.defrostUntilMs = null;
    }
    // Shoppers open doors in proportion to the demand curve.
    if (c.physics.doorOpeningsPerHour > 0 && c.ajar === 0) {
      const mean = this.curve.reduce((a, b) => a + b, 0) / 24;
      const factor = mean > 0 ? (this.curve[Math.floor(this.localHour(t0))] ?? 0) / mean : 0;
      const opens = c.rng.poisson(((c.physics.doorOpeningsPerHour * factor) / 3600) * dtS);
      if (opens > 0 && t1 >= c.doorOpenUntilMs) {
        c.doorOpenUntilMs = t1 + Math.round(c.physics.doorOpenS * 1000 * c.rng.uniform(0.5, 1.5));
      }
    }
    const doorOpen = c.ajar > 0 || c.doorOpenUntilMs > t1;
    if (doorOpen && c.doorOpenSinceMs === null) {
      c.doorOpenSinceMs = t1;
      this.doors.set(id, true, t1, () => ({ caseId: id, ajar: c.ajar > 0 }));
    } else if (!doorOpen && c.doorOpenSinceMs !== null) {
      c.doorOpenSinceMs = null;
      this.doors.set(id, false, c.doorOpenUntilMs > t0 ? c.doorOpenUntilMs : t1, () => ({ caseId: id, ajar: false }));
    }
    c.state = stepCase(
      c.state,
      {
        ambientC: this.ambientC(t0),
        setpointC: c.def.setpointC,
        doorOpen,
        defrostActive: this.defrostActive(c),
        compressorFailed: c.compressorFailed > 0,
        fanFailed: c.fanFailed > 0,
      },
      c.physics,
      dtS,
    );
    const limit = PRODUCT_LIMIT_C[c.def.category];
    const p = c.state.productC;
    this.risk.set(
      id,
      p > limit,
      t1,
      () => ({ caseId: id, category: c.def.category, limitC: limit, peakC: p }),
      (info) => ({ ...info, peakC: Math.max(info.peakC, p) }),
    );
  }

  defrostActive(c: CaseSim): boolean {
    return c.defrostUntilMs !== null || c.manualDefrost > 0;
  }

  doorOpen(c: CaseSim): boolean {
    return c.doorOpenSinceMs !== null;
  }

  private msOfDay(atMs: number): number {
    return (((atMs + this.tzOffsetMs) % DAY_MS) + DAY_MS) % DAY_MS;
  }

  /** Starts a fault interval now and schedules its end (or leaves it open to the end of the run). */
  private fault(event: TimelineEvent, atMs: number, target: string, detail: Record<string, unknown>, start: () => void, end: () => void): void {
    const key = `${event.type}:${target}:${atMs}`;
    start();
    this.faults.set(key, true, atMs, () => ({ fault: event.type, target, detail }));
    if ('forS' in event && event.forS !== undefined) {
      this.schedule(atMs + Math.round(event.forS * 1000), (endAt) => {
        end();
        this.faults.set(key, false, endAt, () => ({ fault: event.type, target, detail }));
      });
    }
  }

  private apply(event: TimelineEvent, at: number): void {
    switch (event.type) {
      case 'compressor_failure': {
        const c = this.cases.get(event.caseId)!;
        this.fault(event, at, event.caseId, {}, () => c.compressorFailed++, () => c.compressorFailed--);
        break;
      }
      case 'door_ajar': {
        const c = this.cases.get(event.caseId)!;
        this.fault(event, at, event.caseId, {}, () => c.ajar++, () => c.ajar--);
        break;
      }
      case 'fan_failure': {
        const c = this.cases.get(event.caseId)!;
        this.fault(event, at, event.caseId, {}, () => c.fanFailed++, () => c.fanFailed--);
        break;
      }
      case 'defrost': {
        // A manual defrost is operations, not a fault: it shows up as a defrost interval.
        const c = this.cases.get(event.caseId)!;
        const id = event.caseId;
        c.manualDefrost++;
        this.defrosts.set(id, true, at, () => ({ caseId: id }));
        this.schedule(at + Math.round((event.forS ?? c.physics.defrostMin * 60) * 1000), (endAt) => {
          c.manualDefrost--;
          if (!this.defrostActive(c)) this.defrosts.set(id, false, endAt, () => ({ caseId: id }));
        });
        break;
      }
      case 'probe_drift': {
        const p = this.probes.get(event.probeId)!;
        this.fault(
          event,
          at,
          p.id,
          { cPerHour: event.cPerHour },
          () => (p.faults = { ...p.faults, driftCPerH: event.cPerHour, driftSinceMs: at }),
          () => (p.faults = { ...p.faults, driftCPerH: 0, driftSinceMs: null }),
        );
        break;
      }
      case 'probe_disconnect': {
        const p = this.probes.get(event.probeId)!;
        if (event.mode === 'offline') this.fault(event, at, p.id, { mode: event.mode }, () => p.offline++, () => p.offline--);
        else this.fault(event, at, p.id, { mode: event.mode }, () => (p.faults = { ...p.faults, openCircuit: true }), () => (p.faults = { ...p.faults, openCircuit: false }));
        break;
      }
      case 'probe_stuck': {
        const p = this.probes.get(event.probeId)!;
        this.fault(event, at, p.id, {}, () => (p.faults = { ...p.faults, stuck: true }), () => (p.faults = { ...p.faults, stuck: false }));
        break;
      }
      case 'probe_noisy': {
        const p = this.probes.get(event.probeId)!;
        this.fault(event, at, p.id, { sdC: event.sdC }, () => (p.faults = { ...p.faults, noisySdC: event.sdC }), () => (p.faults = { ...p.faults, noisySdC: 0 }));
        break;
      }
      case 'controller_offline': {
        const id = event.controllerId;
        this.fault(event, at, id, {}, () => this.controllerOffline.set(id, (this.controllerOffline.get(id) ?? 0) + 1), () => this.controllerOffline.set(id, (this.controllerOffline.get(id) ?? 1) - 1));
        break;
      }
      case 'board_disconnect': {
        const f = this.boardFaults.get(event.boardId)!;
        this.fault(event, at, event.boardId, {}, () => f.disconnected++, () => f.disconnected--);
        break;
      }
      case 'board_corrupt_frames': {
        const f = this.boardFaults.get(event.boardId)!;
        this.fault(event, at, event.boardId, { rate: event.rate }, () => (f.corruptRate = event.rate), () => (f.corruptRate = 0));
        break;
      }
      case 'board_drop_frames': {
        const f = this.boardFaults.get(event.boardId)!;
        this.fault(event, at, event.boardId, { rate: event.rate }, () => (f.dropRate = event.rate), () => (f.dropRate = 0));
        break;
      }
      case 'misplace_product': {
        const s = this.slots.get(event.slotId)!;
        const product = this.products.get(event.sku)!;
        s.misplaced = { sku: event.sku, units: (s.misplaced?.sku === event.sku ? s.misplaced.units : 0) + event.units, unitWeightG: product.unitWeightG };
        s.cell.change(event.units * product.unitWeightG, at);
        this.emit({ type: 'stock', ts: at, slotId: s.slot.id, sku: s.slot.sku, units: s.units, cause: 'misplace' });
        this.trackStock(s, at);
        if (event.forS !== undefined) this.schedule(at + Math.round(event.forS * 1000), (endAt) => this.clearMisplaced(s, endAt));
        break;
      }
      case 'set_facings': {
        const s = this.slots.get(event.slotId)!;
        const before = s.facingsActual;
        s.facingsActual = Math.min(event.facings, s.slot.facings);
        this.emit({ type: 'stock', ts: at, slotId: s.slot.id, sku: s.slot.sku, units: s.units, cause: 'facings' as StockCause });
        this.trackStock(s, at);
        if (event.forS !== undefined) {
          this.schedule(at + Math.round(event.forS * 1000), (endAt) => {
            s.facingsActual = before;
            this.trackStock(s, endAt);
          });
        }
        break;
      }
      case 'delivery':
        this.doDelivery(event.sku, event.units, at, 'timeline');
        break;
      case 'rush': {
        const rush = { multiplier: event.multiplier, skus: event.skus ? new Set(event.skus) : null, id: this.scheduleOrder };
        this.rushes.push(rush);
        if (event.forS !== undefined) {
          this.schedule(at + Math.round(event.forS * 1000), () => {
            const i = this.rushes.indexOf(rush);
            if (i >= 0) this.rushes.splice(i, 1);
          });
        }
        break;
      }
      case 'restock':
        this.doRestock(event.slotId, at, 'timeline', event.units);
        break;
    }
  }
}

function crosses(fromMs: number, toMs: number, mark: number): boolean {
  return fromMs <= toMs ? fromMs < mark && mark <= toMs : mark > fromMs || mark <= toMs;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Offset of the store's time zone from UTC at an instant (DST changes during a run are ignored). */
export function timeZoneOffsetMs(atMs: number, timeZone: string): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts = Object.fromEntries(f.formatToParts(new Date(atMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(atMs / 1000) * 1000;
}
