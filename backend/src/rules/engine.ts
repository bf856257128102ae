import type { CaseView, Reading, ShelfView, TaskKind } from '@shelfwatch/contracts';
import { MIN } from './format.js';
import { CaseMonitor } from './case-monitor.js';
import { ConditionLatch } from './condition-latch.js';
import { defaultTuning } from './defaults.js';
import type { RuleTuning } from './defaults.js';
import { shelfDeviceStatus } from './device-health.js';
import { PlanogramRule } from './planogram-rule.js';
import { ReplenishRule } from './replenish-rule.js';
import { StockRule } from './stock-rule.js';
import { StoreIndex } from './store-index.js';
import type { SlotRef } from './store-index.js';
import type { RuleDecision, RuleEngine, StoreKpis, StoreModel } from './types.js';
import { buildKpis, buildShelfView } from './views.js';

interface SlotRules {
  ref: SlotRef;
  stock: StockRule;
  planogram: PlanogramRule;
}

/**
 * Routes readings to the per-slot and per-case rules and keeps event time. Event time is the
 * newest timestamp seen (readings or ticks); a slightly late reading still updates its
 * source's state but never moves time backwards.
 */
export class RulesCoordinator implements RuleEngine {
  private readonly index: StoreIndex;
  private readonly latch = new ConditionLatch();
  private readonly tuning: RuleTuning;
  private readonly slots = new Map<string, SlotRules>();
  private readonly cases = new Map<string, CaseMonitor>();
  private readonly replenish: ReplenishRule;
  private clock: number | null = null;

  constructor(private readonly model: StoreModel) {
    this.index = new StoreIndex(model.layout);
    this.tuning = { ...defaultTuning, ...model.tuning };
    const ctx = { index: this.index, model, latch: this.latch, tuning: this.tuning };
    for (const ref of this.index.slots.values()) {
      this.slots.set(ref.slot.id, { ref, stock: new StockRule({ ...ctx, ref }), planogram: new PlanogramRule({ ...ctx, ref }) });
    }
    this.replenish = new ReplenishRule({ ...ctx, unitsOf: (id) => this.slots.get(id)?.stock.trustedUnits() ?? null });
  }

  onReading(r: Reading): RuleDecision[] {
    if (r.storeId !== this.index.storeId) return [];
    const now = this.advance(r.ts);
    switch (r.kind) {
      case 'shelf.weight': {
        const rules = this.slots.get(r.slotId);
        if (!rules) return [];
        rules.stock.applyWeight(r);
        rules.planogram.applyWeight(r);
        return [...this.evaluateSlot(now, rules), ...this.replenish.evaluate(now, [rules.ref.slot.sku])];
      }
      case 'camera.slot': {
        const rules = this.slots.get(r.slotId);
        if (!rules) return [];
        if (rules.stock.applyCamera(r)) rules.planogram.applyCamera(r);
        return this.evaluateSlot(now, rules);
      }
      case 'probe.temperature': {
        const monitor = this.caseOfProbe(r.deviceId, now);
        if (!monitor || monitor !== this.cases.get(r.caseId)) return [];
        monitor.applyProbe(r);
        return monitor.evaluate(now);
      }
      case 'case.air_temperature':
      case 'case.setpoint':
      case 'case.defrost':
      case 'case.door':
      case 'case.compressor': {
        this.ensureCases(now);
        const monitor = this.cases.get(r.caseId);
        if (!monitor) return [];
        monitor.applyController(r);
        return monitor.evaluate(now);
      }
      case 'device.status':
        return this.deviceStatus(r, now);
    }
  }

  onTick(nowMs: number): RuleDecision[] {
    const now = this.advance(nowMs);
    this.ensureCases(now);
    const out: RuleDecision[] = [];
    for (const monitor of this.cases.values()) out.push(...monitor.evaluate(now));
    for (const rules of this.slots.values()) out.push(...this.evaluateSlot(now, rules));
    out.push(...this.replenish.evaluate(now));
    return out;
  }

  restoreOpen(open: { kind: TaskKind; locationKey: string }[], nowMs: number): void {
    const now = this.advance(nowMs);
    for (const o of open) this.latch.restore(o.kind, o.locationKey, now, now + this.tuning.restoreGraceMin * MIN);
  }

  kpis(nowMs: number): StoreKpis {
    return buildKpis({ index: this.index, latch: this.latch, slots: this.slots, cases: this.cases }, nowMs);
  }

  shelfView(shelfId: string): ShelfView | null {
    return buildShelfView({ index: this.index, latch: this.latch, slots: this.slots, cases: this.cases }, shelfId);
  }

  caseViews(): CaseView[] {
    const now = this.clock ?? 0;
    this.ensureCases(now);
    return [...this.cases.values()].map((m) => m.view(now));
  }

  private advance(ts: number): number {
    this.clock = Math.max(this.clock ?? ts, ts);
    return this.clock;
  }

  /** Case monitors start watching at the first event time the engine sees (silence counts from there). */
  private ensureCases(now: number): void {
    if (this.cases.size > 0 || this.index.cases.size === 0) return;
    for (const caseDef of this.index.cases.values()) {
      this.cases.set(caseDef.id, new CaseMonitor({ index: this.index, latch: this.latch, limits: this.model.limits[caseDef.category], tuning: this.tuning, caseDef, startedAt: now }));
    }
  }

  private caseOfProbe(probeId: string, now: number): CaseMonitor | undefined {
    this.ensureCases(now);
    const ref = this.index.probes.get(probeId);
    return ref ? this.cases.get(ref.caseDef.id) : undefined;
  }

  private evaluateSlot(now: number, rules: SlotRules): RuleDecision[] {
    return [...rules.stock.evaluate(now), ...rules.planogram.evaluate(now, rules.stock.trustedUnits())];
  }

  private deviceStatus(r: Extract<Reading, { kind: 'device.status' }>, now: number): RuleDecision[] {
    switch (r.deviceKind) {
      case 'probe':
      case 'controller': {
        this.ensureCases(now);
        const c = r.deviceKind === 'probe' ? this.index.probes.get(r.deviceId)?.caseDef : this.index.controllers.get(r.deviceId);
        const monitor = c ? this.cases.get(c.id) : undefined;
        if (!monitor) return [];
        monitor.setStatus(r.deviceId, r.online, r.ts, r.detail);
        return monitor.evaluate(now);
      }
      case 'weight_board': {
        const shelf = this.index.boards.get(r.deviceId);
        if (!shelf) return [];
        for (const slot of shelf.slots) {
          const rules = this.slots.get(slot.id);
          if (rules) rules.stock.boardOnline = r.online;
        }
        return shelfDeviceStatus({ index: this.index, latch: this.latch }, { id: r.deviceId, kind: 'weight_board' }, r.online, r.ts, r.detail);
      }
      case 'camera': {
        const cam = this.index.layout.cameras.find((c) => c.id === r.deviceId);
        if (!cam) return [];
        for (const slotId of cam.slotIds) {
          const rules = this.slots.get(slotId);
          if (rules) rules.stock.cameraOnline = r.online;
        }
        return shelfDeviceStatus({ index: this.index, latch: this.latch }, { id: r.deviceId, kind: 'camera' }, r.online, r.ts, r.detail);
      }
    }
  }
}
