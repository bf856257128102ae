import type { Product, StoreLayout } from '@shelfwatch/contracts';
import type { Scenario, TimelineEvent } from '../scenario/schema.js';
import { DEFAULT_DEMAND_CURVE, demandRatePerS } from './demand.js';
import type { BoardFaults, CaseSim, NetworkState, ProbeSim, SlotSim } from './entities.js';
import { GroundTruthRecorder } from './ground-truth-recorder.js';
import type { GroundTruthSink } from './ground-truth.js';
import { DEFAULT_LOAD_CELL, LoadCellChannel, type LoadCellParams } from './load-cell.js';
import { NO_PROBE_FAULTS, ProbeSensor } from './probe-model.js';
import { Rng } from './rng.js';
import { capacityLeft, defaultPhysics, defrostStarts, growIce, initialCaseState, meltIce, stepCase, type CasePhysics } from './thermal-case.js';
import { applyTimelineEvent } from './timeline/handlers.js';
import type { TimelineWorld } from './timeline/types.js';

export type { BoardFaults, CaseSim, ProbeSim, SlotSim } from './entities.js';

const DAY_MS = 86_400_000;
/** Food-safety limits of the product (not the air): above these the product is at risk. */
export const PRODUCT_LIMIT_C = { chilled: 5, frozen: -18 } as const;

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
 * (firmware/) read it; transports never touch it. What timeline events do is in
 * timeline/ (one handler per event type); how the truth is written, in GroundTruthRecorder.
 */
export class StoreWorld implements TimelineWorld {
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
  /** Devices that hang (device_silent): connected, reporting nothing. */
  readonly silent = new Map<string, number>();
  readonly cameraOffline = new Map<string, number>();
  /** Per camera, the slots out of its view right now (camera_coverage), counted. */
  readonly cameraHidden = new Map<string, Map<string, number>>();
  /** Store-wide power cuts in progress. */
  powerCut = 0;
  readonly network: NetworkState = { gatewayDown: 0, backhaul: null };
  readonly rushes: { multiplier: number; skus: Set<string> | null }[] = [];
  readonly truth: GroundTruthRecorder;
  unitsSold = 0;
  lostSales = 0;

  private readonly tzOffsetMs: number;
  private readonly curve: readonly number[];
  private readonly products = new Map<string, Product>();
  private readonly backroom = new Map<string, number>();
  private readonly scheduled: Scheduled[] = [];
  private scheduleOrder = 0;
  private readonly external: ExternalAction[] = [];
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
    this.truth = new GroundTruthRecorder(opts.sink);
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
    this.truth.emit({
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
      this.truth.emit({ type: 'backroom', ts: this.startMs, sku: p.sku, units: this.backroomUnits(p.sku), cause: 'initial' });
    }
    for (const shelf of this.layout.shelves) {
      this.boardFaults.set(shelf.boardId, { corruptRate: 0, dropRate: 0, disconnected: 0 });
      for (const slot of shelf.slots) {
        const product = this.products.get(slot.sku)!;
        const rng = this.rng.fork(`slot:${slot.id}`);
        const units = settings.initialStock.slots[slot.id] ?? Math.round(slot.capacity * settings.initialStock.fraction);
        const cell = LoadCellChannel.install(slot.calibration, this.loadCell, rng.fork('cell'), units * product.unitWeightG);
        const sim: SlotSim = {
          slot,
          shelfId: shelf.id,
          boardId: shelf.boardId,
          product,
          units,
          facingsActual: slot.facings,
          misplaced: null,
          lifted: 0,
          pushedBack: 0,
          cell,
          rng,
          restockDueMs: null,
        };
        this.slots.set(slot.id, sim);
        this.truth.stock(sim, this.startMs, 'initial');
        this.truth.slot(sim, this.startMs);
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
        setpointC: c.setpointC,
        defrostStartsOfDay: defrostStarts(physics, rng.uniform(0.05, 0.95)),
        defrostUntilMs: null,
        manualDefrost: 0,
        doorOpenUntilMs: 0,
        doorOpenSinceMs: null,
        ajar: 0,
        compressorFailed: 0,
        fanFailed: 0,
        coolingLosses: [],
        icing: null,
        ice: 0,
        doorRushes: [],
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
    // Slots the layout gives a camera but its view misses: never reported, recorded for the whole run.
    for (const cam of this.layout.cameras) {
      for (const slotId of cam.slotIds) {
        if (settings.cameras.slots[slotId]?.covered !== false) continue;
        const hidden = this.cameraHidden.get(cam.id) ?? new Map<string, number>();
        this.cameraHidden.set(cam.id, hidden.set(slotId, 1));
        this.truth.cameraCoverage(cam.id, slotId, true, this.startMs);
      }
    }
    timeline.forEach((event) => this.schedule(this.startMs + Math.round(event.at * 1000), (at) => applyTimelineEvent(this, event, at)));
  }

  get done(): boolean {
    return this.nowMs >= this.endMs;
  }

  get storeId(): string {
    return this.layout.store.id;
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

  /**
   * A delivery that reaches the backroom at a given simulated time (a supplier's lead time
   * counted from the order's event time), so it lands at the same moment at any speed. A
   * time already past is applied at the next step.
   */
  scheduleDelivery(sku: string, units: number, atMs: number): void {
    if (!this.products.has(sku)) throw new RangeError(`unknown sku '${sku}'`);
    if (!(Number.isInteger(units) && units > 0)) throw new RangeError(`units must be a positive integer, got ${units}`);
    this.schedule(Math.max(atMs, this.nowMs + 1), (at) => this.doDelivery(sku, units, at, 'api'));
  }

  backroomUnits(sku: string): number {
    return this.backroom.get(sku) ?? 0;
  }

  product(sku: string): Product {
    const p = this.products.get(sku);
    if (!p) throw new RangeError(`unknown sku '${sku}'`);
    return p;
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
    this.truth.finish(at, { simulatedS: (at - this.startMs) / 1000, unitsSold: this.unitsSold, lostSales: this.lostSales });
  }

  schedule(atMs: number, run: (atMs: number) => void): void {
    this.scheduled.push({ atMs, order: this.scheduleOrder++, run });
    this.scheduled.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  }

  private runScheduled(uptoMs: number): void {
    while (this.scheduled.length > 0 && this.scheduled[0]!.atMs <= uptoMs) {
      const next = this.scheduled.shift()!;
      next.run(next.atMs);
    }
  }

  /**
   * Starts a fault interval now and schedules its end (or leaves it open to the end of the
   * run): `start`/`end` change the world, the ground truth records the interval.
   */
  fault(event: TimelineEvent, atMs: number, target: string, detail: Record<string, unknown>, start: () => void, end: () => void): void {
    const key = `${event.type}:${target}:${atMs}`;
    const info = { fault: event.type, target, detail };
    start();
    this.truth.fault(key, true, atMs, info);
    if ('forS' in event && event.forS !== undefined) {
      this.schedule(atMs + Math.round(event.forS * 1000), (endAt) => {
        end();
        this.truth.fault(key, false, endAt, info);
      });
    }
  }

  /** Runs `start` now and `end` after the event's forS, if it has one. */
  during(event: TimelineEvent, atMs: number, start: () => void, end: (endAt: number) => void): void {
    start();
    if ('forS' in event && event.forS !== undefined) this.schedule(atMs + Math.round(event.forS * 1000), end);
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
      this.stepMisplacedSales(s, t0, t1, dtS);
      if (rate <= 0) continue;
      const sales = s.rng.poisson(rate * dtS);
      for (let i = 0; i < sales; i++) {
        const at = t0 + Math.floor(s.rng.next() * (t1 - t0)) + 1;
        // A unit in a shopper's hand cannot be taken by another.
        if (s.units - s.lifted > 0) {
          s.units--;
          this.unitsSold++;
          s.cell.change(-s.product.unitWeightG, at);
          this.truth.stock(s, at, 'sale');
          this.truth.slot(s, at);
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

  /** Shoppers buy a wrong product that sits in a slot; once sold out the slot is right again. */
  private stepMisplacedSales(s: SlotSim, t0: number, t1: number, dtS: number): void {
    const m = s.misplaced;
    if (!m || m.soldPerS <= 0 || !m.rng) return;
    const sales = Math.min(m.units, m.rng.poisson(m.soldPerS * dtS));
    for (let i = 0; i < sales; i++) {
      const at = t0 + Math.floor(m.rng.next() * (t1 - t0)) + 1;
      m.units--;
      this.unitsSold++;
      s.cell.change(-m.unitWeightG, at);
      this.truth.misplacedStock(s, at, m.sku, m.units, 'sale');
      if (m.units === 0) {
        s.misplaced = null;
        this.truth.slot(s, at);
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

  /** Staff fill a slot from the backroom with its planned product (taking away a wrong one, facing it up). */
  doRestock(slotId: string, atMs: number, by: 'auto' | 'timeline' | 'api', units?: number): void {
    const s = this.slots.get(slotId);
    if (!s) return;
    if (s.misplaced) this.clearMisplaced(s, atMs);
    const want = Math.max(0, Math.min(units ?? s.slot.capacity - s.units, s.slot.capacity - s.units));
    const take = Math.min(want, this.backroomUnits(s.slot.sku));
    if (take <= 0) return;
    this.backroom.set(s.slot.sku, this.backroomUnits(s.slot.sku) - take);
    this.truth.emit({ type: 'backroom', ts: atMs, sku: s.slot.sku, units: this.backroomUnits(s.slot.sku), cause: 'restock' });
    s.units += take;
    s.restockDueMs = null;
    s.cell.change(take * s.product.unitWeightG, atMs);
    this.truth.emit({ type: 'restock', ts: atMs, slotId, sku: s.slot.sku, units: take, by });
    this.truth.stock(s, atMs, 'restock');
    this.truth.slot(s, atMs);
  }

  /** Staff stock a slot with another product than planned, from that product's backroom. */
  restockWrongProduct(slotId: string, sku: string, atMs: number, units: number | undefined): void {
    const s = this.slots.get(slotId);
    if (!s) return;
    const product = this.product(sku);
    const take = Math.min(units ?? Math.max(1, s.slot.capacity - s.units), this.backroomUnits(sku));
    if (take <= 0) return;
    this.backroom.set(sku, this.backroomUnits(sku) - take);
    this.truth.emit({ type: 'backroom', ts: atMs, sku, units: this.backroomUnits(sku), cause: 'restock' });
    this.addMisplaced(s, product, take, atMs, 'restock', s.misplaced?.soldPerS ?? 0);
  }

  /** Units of another product land in a slot (same product as already misplaced adds up; another replaces it). */
  addMisplaced(s: SlotSim, product: Product, units: number, atMs: number, cause: 'misplace' | 'restock', soldPerS: number): void {
    if (s.misplaced && s.misplaced.sku !== product.sku) this.clearMisplaced(s, atMs);
    const before = s.misplaced?.units ?? 0;
    s.misplaced = {
      sku: product.sku,
      units: before + units,
      unitWeightG: product.unitWeightG,
      soldPerS,
      rng: soldPerS > 0 ? (s.misplaced?.rng ?? s.rng.fork(`misplaced:${product.sku}:${atMs}`)) : null,
    };
    s.cell.change(units * product.unitWeightG, atMs);
    this.truth.stock(s, atMs, 'misplace');
    if (cause === 'restock' || soldPerS > 0) this.truth.misplacedStock(s, atMs, product.sku, s.misplaced.units, cause);
    this.truth.slot(s, atMs);
  }

  doDelivery(sku: string, units: number, atMs: number, source: 'timeline' | 'api'): void {
    if (!this.products.has(sku) || units <= 0) return;
    this.backroom.set(sku, this.backroomUnits(sku) + units);
    this.truth.emit({ type: 'delivery', ts: atMs, sku, units, source });
    this.truth.emit({ type: 'backroom', ts: atMs, sku, units: this.backroomUnits(sku), cause: 'delivery' });
  }

  clearMisplaced(s: SlotSim, atMs: number): void {
    const m = s.misplaced;
    if (!m) return;
    s.cell.change(-m.units * m.unitWeightG, atMs);
    s.misplaced = null;
    if (m.soldPerS > 0) this.truth.misplacedStock(s, atMs, m.sku, 0, 'cleared');
    this.truth.stock(s, atMs, 'cleared');
    this.truth.slot(s, atMs);
  }

  /** What a camera sees at the front of a slot. */
  slotView(slotId: string): { slotId: string; frontSku: string | null; facingsVisible: number } {
    const s = this.slots.get(slotId)!;
    const onShelf = s.units - s.lifted;
    const hiddenAtBack = s.pushedBack > 0 && !s.misplaced;
    const frontSku = s.misplaced ? s.misplaced.sku : onShelf > 0 && !hiddenAtBack ? s.slot.sku : null;
    const visible = hiddenAtBack ? 0 : Math.min(s.facingsActual, onShelf + (s.misplaced?.units ?? 0));
    return { slotId, frontSku, facingsVisible: visible };
  }

  /** Whether a camera can see a slot right now (coverage settings and camera_coverage events). */
  cameraSees(cameraId: string, slotId: string): boolean {
    return (this.cameraHidden.get(cameraId)?.get(slotId) ?? 0) === 0;
  }

  /** Device links as the devices experience them: their own faults and the store's power. */
  boardConnected(boardId: string): boolean {
    return this.boardFaults.get(boardId)!.disconnected === 0 && this.powerCut === 0;
  }

  probeConnected(p: ProbeSim): boolean {
    return p.offline === 0 && this.powerCut === 0;
  }

  cameraConnected(cameraId: string): boolean {
    return (this.cameraOffline.get(cameraId) ?? 0) === 0 && this.powerCut === 0;
  }

  controllerRunning(controllerId: string): boolean {
    return (this.controllerOffline.get(controllerId) ?? 0) === 0 && this.powerCut === 0;
  }

  isSilent(deviceId: string): boolean {
    return (this.silent.get(deviceId) ?? 0) > 0;
  }

  private stepCaseSim(c: CaseSim, t0: number, t1: number, dtS: number): void {
    const id = c.def.id;
    // Scheduled defrosts, by local time of day.
    const d0 = this.msOfDay(t0);
    const d1 = this.msOfDay(t1);
    if (c.defrostUntilMs === null && c.defrostStartsOfDay.some((s) => crosses(d0, d1, s))) {
      c.defrostUntilMs = t1 + c.physics.defrostMin * 60_000;
      this.truth.defrost(id, true, t1);
    }
    if (c.defrostUntilMs !== null && c.defrostUntilMs <= t1 && c.manualDefrost === 0) {
      this.truth.defrost(id, false, c.defrostUntilMs);
      c.defrostUntilMs = null;
      if (c.icing) c.ice = meltIce(c.ice, c.icing);
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
    if (c.ajar === 0) {
      for (const rush of c.doorRushes) {
        const opens = rush.rng.poisson((rush.openingsPerHour / 3600) * dtS);
        if (opens > 0 && t1 >= c.doorOpenUntilMs) c.doorOpenUntilMs = t1 + Math.round(rush.openS * 1000 * rush.rng.uniform(0.5, 1.5));
      }
    }
    const doorOpen = c.ajar > 0 || c.doorOpenUntilMs > t1;
    if (doorOpen && c.doorOpenSinceMs === null) {
      c.doorOpenSinceMs = t1;
      this.truth.door(id, true, t1, c.ajar > 0);
    } else if (!doorOpen && c.doorOpenSinceMs !== null) {
      c.doorOpenSinceMs = null;
      this.truth.door(id, false, c.doorOpenUntilMs > t0 ? c.doorOpenUntilMs : t1, false);
    }
    // Without mains power nothing runs: no compressor, no fans, no defrost heater.
    const powered = this.powerCut === 0;
    const ambientC = this.ambientC(t0);
    const coolingFraction = capacityLeft(c.coolingLosses, ambientC, t0) * (1 - c.ice);
    c.state = stepCase(
      c.state,
      {
        ambientC,
        setpointC: c.setpointC,
        doorOpen,
        defrostActive: this.defrostActive(c) && powered,
        compressorFailed: c.compressorFailed > 0 || !powered,
        fanFailed: c.fanFailed > 0,
      },
      coolingFraction === 1 ? c.physics : { ...c.physics, coolingCPerH: c.physics.coolingCPerH * coolingFraction },
      dtS,
    );
    if (c.icing) c.ice = growIce(c.ice, c.icing, c.state.compressorRunning, dtS);
    const limit = PRODUCT_LIMIT_C[c.def.category];
    this.truth.productTemperature(id, c.def.category, limit, c.state.productC, t1);
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
}

function crosses(fromMs: number, toMs: number, mark: number): boolean {
  return fromMs <= toMs ? fromMs < mark && mark <= toMs : mark > fromMs || mark <= toMs;
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
