import { isGatewayRestart } from '@shelfwatch/contracts';
import type { CaseView, Reading, ShelfView, TaskKind } from '@shelfwatch/contracts';
import { CaseMonitor } from './case-monitor.js';
import { ConditionLatch } from './condition-latch.js';
import { defaultTuning } from './defaults.js';
import type { RuleTuning } from './defaults.js';
import { DeviceLiveness } from './device-liveness.js';
import { SellOutForecaster } from './forecast/sell-out-forecaster.js';
import type { StoreLearning } from './forecast/learning.js';
import type { SlotForecast } from './forecast/sell-out-forecaster.js';
import { TradingDay } from './forecast/trading-day.js';
import { defaultForecastTuning } from './forecast/tuning.js';
import { MIN } from './format.js';
import { MinHeap } from './min-heap.js';
import { PlanogramRule } from './planogram-rule.js';
import { ProbeSelfReport } from './probe-self-report.js';
import { ReplenishRule } from './replenish-rule.js';
import { StockRule } from './stock-rule.js';
import { StoreIndex } from './store-index.js';
import type { SlotRef } from './store-index.js';
import { StoreWatermark } from './store-watermark.js';
import type { RuleDecision, RuleEngine, StoreKpis, StoreModel } from './types.js';
import { buildKpis, buildShelfView } from './views.js';
import type { ViewSources } from './views.js';

interface SlotRules {
  ref: SlotRef;
  stock: StockRule;
  planogram: PlanogramRule;
}

/** Readings of one event time apply together; a status describes the state after that time's data. */
function readingBefore(a: Reading, b: Reading): boolean {
  if (a.ts !== b.ts) return a.ts < b.ts;
  const sa = a.kind === 'device.status' ? 1 : 0;
  const sb = b.kind === 'device.status' ? 1 : 0;
  return sa !== sb ? sa < sb : a.id < b.id;
}

/** What one event time changed: the slots and cases to re-judge at that time. */
interface Touched {
  slots: Set<SlotRules>;
  skus: Set<string>;
  cases: Set<CaseMonitor>;
}

/**
 * One store's rules, in event time.
 *
 * Readings wait in a queue until the store's watermark (store-watermark.ts) has passed their
 * time; then they are applied in event-time order and the slots and cases they touch are judged
 * at that time, and every slot, case and device is judged again at each whole minute of event
 * time (timers: persistence, silence, alarm delays). A decision at event time t therefore
 * depends only on readings up to t, and is taken once those can all be known: the same readings
 * give the same decisions whatever their arrival order or timing within the reordering window,
 * and, after the gateway states a restart, whichever device's backlog arrives first.
 *
 * One exception is decided at once: a probe reporting its own failure (probe-self-report.ts).
 *
 * A reading older than the settled time when it arrives (late: more than the window behind the
 * rest of the store) updates its source's latest state if it is newer than what the rules hold,
 * and is counted, but never re-decides the past.
 */
export class RulesCoordinator implements RuleEngine {
  private readonly index: StoreIndex;
  private readonly latch = new ConditionLatch();
  private readonly tuning: RuleTuning;
  private readonly slots = new Map<string, SlotRules>();
  private readonly cases = new Map<string, CaseMonitor>();
  private readonly replenish: ReplenishRule;
  private readonly liveness: DeviceLiveness;
  private readonly selfReports = new Map<string, ProbeSelfReport>();
  private readonly watermark: StoreWatermark;
  private readonly forecaster: SellOutForecaster;
  private readonly queue = new MinHeap<Reading>(readingBefore);
  /** Units moved from the backroom by restocks decided in the current call (the catalog learns of them when it returns). */
  private readonly restockedNow = new Map<string, number>();
  private nextTick: number | null = null;
  private late = 0;

  constructor(private readonly model: StoreModel) {
    this.index = new StoreIndex(model.layout);
    this.tuning = { ...defaultTuning, ...model.tuning };
    const backroomUnits = (sku: string) => model.backroomUnits(sku) - (this.restockedNow.get(sku) ?? 0);
    this.liveness = new DeviceLiveness({ index: this.index, latch: this.latch, tuning: this.tuning });
    const forecastTuning = { ...defaultForecastTuning, ...model.forecast };
    const { timezone, closesAt, opensAt } = model.layout.store;
    const tradingDay = new TradingDay(timezone, closesAt, opensAt);
    this.forecaster = new SellOutForecaster(this.index, forecastTuning, model.chainPace, tradingDay);
    if (model.learnt) this.forecaster.restore(model.learnt);
    const ctx = { index: this.index, latch: this.latch, tuning: this.tuning, backroomUnits, offline: (id: string) => this.liveness.offline(id), forecastLeadMin: forecastTuning.leadMin };
    for (const ref of this.index.slots.values()) {
      this.slots.set(ref.slot.id, { ref, stock: new StockRule({ ...ctx, ref }), planogram: new PlanogramRule({ ...ctx, ref }) });
    }
    for (const caseDef of this.index.cases.values()) {
      this.cases.set(caseDef.id, new CaseMonitor({ ...ctx, limits: model.limits[caseDef.category], caseDef }));
      for (const p of caseDef.probes) this.selfReports.set(p.id, new ProbeSelfReport(ctx, { id: p.id, placement: p.placement, caseDef }));
    }
    this.replenish = new ReplenishRule({
      ...ctx,
      unitsOf: (id) => this.slots.get(id)?.stock.trustedUnits() ?? null,
      salesToClose: (sku, now) => {
        const closesAt = tradingDay.endAfter(now);
        const units = this.forecaster.expectedSales(sku, now, closesAt);
        return units === null ? null : { units, closesAt };
      },
    });
    this.watermark = new StoreWatermark(this.index.devices.map((d) => d.id), this.tuning.reorderWindowMin * MIN, this.tuning.restartCatchUpMin * MIN);
  }

  onReading(r: Reading): RuleDecision[] {
    const restart = isGatewayRestart(r);
    if (r.storeId !== this.index.storeId || !(restart || this.index.deviceIds.has(r.deviceId))) return [];
    this.restockedNow.clear();
    const out = r.kind === 'probe.temperature' ? (this.selfReports.get(r.deviceId)?.onReading(r) ?? []) : [];
    const late = this.watermark.isLate(r.ts);
    if (restart) this.watermark.restarted(r.ts);
    else this.watermark.observe(r.deviceId, r.ts, r.kind === 'device.status' ? r.online : undefined);
    if (late) {
      this.late++;
      // Its time is decided: the next judgement (a later reading or minute) sees it.
      this.apply(r, { slots: new Set(), skus: new Set(), cases: new Set() }, out);
    } else {
      this.queue.push(r);
    }
    out.push(...this.settle(this.watermark.advance()));
    return out;
  }

  onTick(nowMs: number): RuleDecision[] {
    this.restockedNow.clear();
    this.watermark.force(nowMs + 1);
    return this.settle(this.watermark.settled);
  }

  eventTime(): number | null {
    return this.watermark.settled;
  }

  lateReadings(): number {
    return this.late;
  }

  restoreOpen(open: { kind: TaskKind; locationKey: string }[], nowMs: number): void {
    for (const o of open) this.latch.restore(o.kind, o.locationKey, nowMs, nowMs + this.tuning.restoreGraceMin * MIN);
  }

  learnt(): StoreLearning | null {
    return this.forecaster.learnt();
  }

  kpis(nowMs: number): StoreKpis {
    return buildKpis(this.viewSources(nowMs), nowMs);
  }

  shelfView(shelfId: string): ShelfView | null {
    const at = this.watermark.settled ?? 0;
    return buildShelfView(this.viewSources(at), shelfId, at);
  }

  private viewSources(at: number): ViewSources {
    return { index: this.index, latch: this.latch, slots: this.slots, cases: this.cases, forecast: (id: string) => this.slotForecast(id, at) };
  }

  /** The sell-out forecast of a slot at event time `at` (null without a count of its stock). */
  private slotForecast(slotId: string, at: number): SlotForecast | null {
    const rules = this.slots.get(slotId);
    const units = rules ? (rules.stock.trustedUnits() ?? rules.stock.cameraUnits()) : null;
    return rules && units !== null ? this.forecaster.forecast(rules.ref, at, units) : null;
  }

  caseViews(): CaseView[] {
    return [...this.cases.values()].map((m) => m.view());
  }

  /** Applies and judges everything before `target` in event-time order, with a judgement of the whole store at each whole minute. */
  private settle(target: number | null): RuleDecision[] {
    const out: RuleDecision[] = [];
    if (target === null) return out;
    for (;;) {
      const head = this.queue.peek();
      const readingAt = head !== undefined && head.ts < target ? head.ts : Infinity;
      const tickAt = this.nextTick !== null && this.nextTick < target ? this.nextTick : Infinity;
      if (readingAt === Infinity && tickAt === Infinity) break;
      if (readingAt <= tickAt) {
        const t = readingAt;
        const touched: Touched = { slots: new Set(), skus: new Set(), cases: new Set() };
        while (this.queue.peek()?.ts === t) this.apply(this.queue.pop()!, touched, out);
        // The minute grid starts with the store's first reading.
        this.nextTick ??= Math.ceil(t / MIN) * MIN;
        if (this.nextTick === t) out.push(...this.minute(t));
        else out.push(...this.judge(t, touched));
      } else {
        out.push(...this.minute(tickAt));
      }
    }
    return out;
  }

  private minute(t: number): RuleDecision[] {
    this.nextTick = t + MIN;
    const out = this.liveness.evaluate(t);
    const outage = this.liveness.outageActive;
    this.watermark.waitForOffline(outage);
    this.forecaster.minute(t, (id) => {
      const stock = this.slots.get(id)?.stock;
      return stock ? (stock.trustedUnits() ?? stock.cameraUnits()) : null;
    });
    for (const monitor of this.cases.values()) out.push(...monitor.evaluate(t, outage));
    for (const rules of this.slots.values()) out.push(...this.judgeSlot(t, rules, outage));
    out.push(...this.replenish.evaluate(t));
    return out;
  }

  private judge(t: number, touched: Touched): RuleDecision[] {
    const outage = this.liveness.outageActive;
    const out: RuleDecision[] = [];
    for (const monitor of touched.cases) out.push(...monitor.evaluate(t, outage));
    for (const rules of touched.slots) out.push(...this.judgeSlot(t, rules, outage));
    if (touched.skus.size > 0) out.push(...this.replenish.evaluate(t, touched.skus));
    return out;
  }

  private judgeSlot(t: number, rules: SlotRules, outage: boolean): RuleDecision[] {
    const forecast = (units: number) => this.forecaster.forecast(rules.ref, t, units);
    return [...rules.stock.evaluate(t, outage, forecast), ...rules.planogram.evaluate(t, rules.stock.trustedUnits())];
  }

  private apply(r: Reading, touched: Touched, out: RuleDecision[]): void {
    switch (r.kind) {
      case 'shelf.weight': {
        this.liveness.heard(r.deviceId, r.ts);
        const rules = this.slots.get(r.slotId);
        if (!rules) return;
        const restocked = rules.stock.applyWeight(r);
        rules.planogram.applyWeight(r);
        if (r.stable && r.fault === null) this.forecaster.observe(r.slotId, 'weight', r.ts, r.units);
        touched.slots.add(rules);
        touched.skus.add(rules.ref.slot.sku);
        if (restocked > 0) {
          const sku = rules.ref.slot.sku;
          this.restockedNow.set(sku, (this.restockedNow.get(sku) ?? 0) + restocked);
          out.push({ type: 'restock', at: r.ts, storeId: r.storeId, sku, slotId: r.slotId, units: restocked });
        }
        return;
      }
      case 'camera.slot': {
        this.liveness.heard(r.deviceId, r.ts);
        const rules = this.slots.get(r.slotId);
        if (!rules) return;
        if (rules.stock.applyCamera(r)) {
          rules.planogram.applyCamera(r);
          // Where the scale cannot be used, fewer facings are sales (each facing a lane of units).
          const units = rules.stock.cameraUnits();
          if (rules.stock.trustedUnits() === null && units !== null && r.confidence >= this.tuning.cameraSureConfidence) this.forecaster.observe(r.slotId, 'camera', r.ts, units);
        }
        touched.slots.add(rules);
        return;
      }
      case 'probe.temperature': {
        this.liveness.heard(r.deviceId, r.ts);
        const monitor = this.cases.get(this.index.probes.get(r.deviceId)?.caseDef.id ?? '');
        if (!monitor || monitor !== this.cases.get(r.caseId)) return;
        monitor.applyProbe(r);
        touched.cases.add(monitor);
        return;
      }
      case 'case.air_temperature':
      case 'case.setpoint':
      case 'case.defrost':
      case 'case.door':
      case 'case.compressor': {
        this.liveness.heard(r.deviceId, r.ts);
        const monitor = this.cases.get(r.caseId);
        if (!monitor || this.index.controllers.get(r.deviceId) !== this.index.cases.get(r.caseId)) return;
        monitor.applyController(r);
        touched.cases.add(monitor);
        return;
      }
      case 'device.status': {
        if (isGatewayRestart(r)) {
          this.liveness.restarted(r.ts);
          return;
        }
        this.liveness.status(r.deviceId, r.ts, r.online, r.detail);
        for (const slotId of this.index.slotsOfDevice(r.deviceId)) {
          const rules = this.slots.get(slotId);
          if (rules) touched.slots.add(rules);
        }
        const caseDef = this.index.controllers.get(r.deviceId) ?? this.index.probes.get(r.deviceId)?.caseDef;
        const monitor = caseDef ? this.cases.get(caseDef.id) : undefined;
        if (monitor) touched.cases.add(monitor);
        return;
      }
    }
  }
}
