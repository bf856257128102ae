import type { CaseView, ReadingOf, RefrigeratedCase } from '@shelfwatch/contracts';
import { CaseFacts } from './case-facts.js';
import { takeSnapshot } from './case-snapshot.js';
import type { CaseSnapshot, UsableProbe } from './case-snapshot.js';
import type { ConditionLatch } from './condition-latch.js';
import type { RuleTuning } from './defaults.js';
import { ExcursionRule } from './excursion-rule.js';
import { fmtDuration, fmtTime, MIN } from './format.js';
import { controllerFaultDecisions, probeFaultDecisions } from './sensor-fault-rule.js';
import type { SensorFaultContext } from './sensor-fault-rule.js';
import { ProbeHealth } from './probe-health.js';
import type { Sample } from './sample-window.js';
import { SpoilageRule } from './spoilage-rule.js';
import type { StoreIndex } from './store-index.js';
import type { ColdChainLimits, RuleDecision } from './types.js';

export interface CaseMonitorContext {
  index: StoreIndex;
  latch: ConditionLatch;
  limits: ColdChainLimits;
  tuning: RuleTuning;
  caseDef: RefrigeratedCase;
  startedAt: number;
}

/** Everything cold-chain about one case: its facts, probes, excursion, spoilage and faults. */
export class CaseMonitor {
  readonly facts: CaseFacts;
  readonly probes = new Map<string, ProbeHealth>();
  private readonly excursion: ExcursionRule;
  private readonly spoilage: SpoilageRule;
  private last: CaseSnapshot | null = null;
  private updatedAt: number | null = null;

  constructor(private readonly ctx: CaseMonitorContext) {
    const c = ctx.caseDef;
    this.facts = new CaseFacts(ctx.limits.doorRecoveryMin * MIN);
    for (const p of c.probes) this.probes.set(p.id, new ProbeHealth(p.id, p.placement, ctx.tuning, ctx.startedAt));
    this.excursion = new ExcursionRule(c, ctx.limits, ctx.tuning);
    this.spoilage = new SpoilageRule(c.category, ctx.limits, ctx.tuning);
  }

  applyController(r: ReadingOf<'case.air_temperature' | 'case.setpoint' | 'case.defrost' | 'case.door' | 'case.compressor'>): void {
    this.facts.apply(r);
    this.touch(r.ts);
  }

  applyProbe(r: ReadingOf<'probe.temperature'>): void {
    this.probes.get(r.deviceId)?.apply(r);
    this.touch(r.ts);
  }

  setStatus(deviceId: string, online: boolean, ts: number, detail: string): void {
    if (deviceId === this.ctx.caseDef.controllerId) this.facts.setOnline(online, ts, detail);
    const probe = this.probes.get(deviceId);
    if (probe && !online) probe.setOffline(ts);
  }

  evaluate(now: number): RuleDecision[] {
    const { index, latch, caseDef } = this.ctx;
    const storeId = index.storeId;
    const out: RuleDecision[] = [];
    const usable: UsableProbe[] = [];
    for (const probe of this.probes.values()) {
      const findings = probe.findings(now, (since) => this.reference(probe.id, since));
      out.push(...probeFaultDecisions(this.faultCtx(), now, probe, findings));
      if (probe.usable(now, findings) && probe.tempC !== null && this.plausible(now, probe)) {
        usable.push({ id: probe.id, placement: probe.placement, tempC: probe.tempC });
      }
    }
    out.push(...controllerFaultDecisions(this.faultCtx(), now));
    const snap = takeSnapshot(now, this.facts, usable, this.ctx.limits, this.ctx.tuning);
    this.last = snap;

    const key = `case:${caseDef.id}`;
    const exc = this.excursion.step(now, snap, this.facts);
    if (exc) {
      out.push(...latch.assert(now, {
        storeId, kind: 'temperature_excursion', locationKey: key, severity: exc.severity, location: index.caseLocation(caseDef),
        title: exc.title, action: exc.action, reason: exc.reason, evidence: exc.evidence, products: index.caseProducts(caseDef),
      }, exc.detailKey));
    } else {
      out.push(...latch.clear(now, storeId, 'temperature_excursion', key, `${caseDef.name} is back within limits (door closed, refrigeration running, temperature under the limit minus hysteresis)`));
    }
    const confirmed = this.excursion.warm.active || this.excursion.ceiling.active;
    const spoil = this.spoilage.step(now, snap, confirmed);
    if (spoil) {
      out.push(...latch.assert(now, {
        storeId, kind: 'spoilage', locationKey: key, severity: spoil.band.severity, location: index.caseLocation(caseDef),
        title: spoil.band.title, action: spoil.band.action, reason: spoil.reason,
        evidence: [{ ts: spoil.episodeStart, text: `First above limit at ${fmtTime(spoil.episodeStart)}` }, { ts: now, text: `Cumulative time above limit: ${fmtDuration(this.spoilage.accumMs)}` }],
        products: index.caseProducts(caseDef),
      }, String(spoil.episodeStart)));
    }
    return out;
  }

  view(now: number): CaseView {
    const c = this.ctx.caseDef;
    const s = this.last;
    const offline = !this.facts.online || (this.facts.lastControllerAt !== null && now - this.facts.lastControllerAt > this.ctx.tuning.controllerSilentMin * MIN);
    const state: CaseView['state'] = this.excursion.inAlarm
      ? 'alarm'
      : offline && (s?.evalC ?? null) === null
        ? 'offline'
        : this.facts.defrostActive
          ? 'defrost'
          : this.facts.doorOpen
            ? 'door_open'
            : s?.evalC !== null && s?.evalC !== undefined
              ? 'cooling'
              : 'unknown';
    return {
      storeId: this.ctx.index.storeId,
      caseId: c.id,
      name: c.name,
      aisle: c.aisle,
      category: c.category,
      airTempC: s?.airC ?? null,
      productTempC: s?.productC ?? null,
      setpointC: this.facts.setpointC ?? c.setpointC,
      limitC: this.ctx.limits.productLimitC,
      state,
      minutesAboveLimit: Math.round(this.spoilage.accumMs / MIN),
      updatedAt: this.updatedAt,
    };
  }

  minutesAboveLimit(): number {
    return Math.round(this.spoilage.accumMs / MIN);
  }

  inAlarm(): boolean {
    return this.excursion.inAlarm;
  }

  private faultCtx(): SensorFaultContext {
    return { ...this.ctx, facts: this.facts, probeCount: this.probes.size };
  }

  private touch(ts: number): void {
    this.updatedAt = Math.max(this.updatedAt ?? ts, ts);
  }

  /**
   * A product can only be much warmer than the air it has sat in if the air was warm recently
   * (product lags air by tens of minutes, not hours). A warm product probe in a case whose air
   * has been cold for two hours is a probe out of place: do not alarm on it while the
   * disagreement check builds its case.
   */
  private plausible(now: number, probe: ProbeHealth): boolean {
    if (probe.placement !== 'product' || probe.tempC === null) return true;
    if (probe.tempC <= this.ctx.limits.productLimitC) return true;
    const air = this.facts.airHistory.since(now - 120 * MIN);
    const first = air[0];
    if (!first || now - first.ts < 30 * MIN || this.facts.airFresh(now, this.ctx.tuning.probeSilentMin * MIN) === null) return true;
    const airMax = Math.max(...air.map((a) => a.v));
    return probe.tempC <= airMax + this.ctx.tuning.disagreeProductC;
  }

  /** The controller's air if it has enough samples, else the other probes' samples. */
  private reference(probeId: string, since: number): Sample[] {
    const air = this.facts.airHistory.since(since);
    if (air.length >= 3) return air;
    const others: Sample[] = [];
    for (const p of this.probes.values()) if (p.id !== probeId && p.healthyFor(since)) others.push(...p.history.since(since));
    return others.sort((a, b) => a.ts - b.ts);
  }
}
