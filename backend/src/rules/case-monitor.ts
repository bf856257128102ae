import type { CaseView, ReadingOf, RefrigeratedCase, TaskSeverity } from '@shelfwatch/contracts';
import { CaseFacts } from './case-facts.js';
import { takeSnapshot } from './case-snapshot.js';
import type { CaseSnapshot, UsableProbe } from './case-snapshot.js';
import type { ConditionLatch } from './condition-latch.js';
import type { RuleTuning } from './defaults.js';
import { ExcursionRule } from './excursion-rule.js';
import type { ExcursionOutcome } from './excursion-rule.js';
import { fmtDuration, fmtTime, MIN } from './format.js';
import { ProbeHealth } from './probe-health.js';
import { PlantWatch } from './refrigeration/plant-watch.js';
import type { CaseReference } from './probe-health.js';
import type { Sample } from './sample-window.js';
import { probeDataDecisions } from './sensor-fault-rule.js';
import { SpoilageRule } from './spoilage-rule.js';
import type { SpoilageBand } from './spoilage-rule.js';
import type { StoreIndex } from './store-index.js';
import type { ColdChainLimits, RuleDecision } from './types.js';

export interface CaseMonitorContext {
  index: StoreIndex;
  latch: ConditionLatch;
  limits: ColdChainLimits;
  tuning: RuleTuning;
  caseDef: RefrigeratedCase;
  /** Whether the gateway reports a device offline. */
  offline: (deviceId: string) => boolean;
}

const SEVERITY_RANK: Record<TaskSeverity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Everything cold-chain about one case: its facts, its probes' health, and ONE
 * temperature_excursion task that carries the case from "too warm" to what must happen to the
 * product (the 2-hour/4-hour rule) as time above the limit adds up. Once the product has been
 * above its limit for two hours in total, the task no longer resolves by itself when the
 * temperature recovers: somebody must use, sell or discard the product and close it.
 */
export class CaseMonitor {
  readonly facts: CaseFacts;
  readonly probes = new Map<string, ProbeHealth>();
  private readonly excursion: ExcursionRule;
  private readonly spoilage: SpoilageRule;
  /** The refrigeration plant against its own normal: the technician's task, apart from the cold-chain one. */
  private readonly plant: PlantWatch;
  private last: CaseSnapshot | null = null;
  private updatedAt: number | null = null;
  /** The task told staff to use, sell or discard product: only a person closes it. */
  private needsPerson = false;

  constructor(private readonly ctx: CaseMonitorContext) {
    const c = ctx.caseDef;
    this.facts = new CaseFacts(ctx.limits.doorRecoveryMin * MIN, ctx.limits.defrostRecoveryMin * MIN);
    for (const p of c.probes) this.probes.set(p.id, new ProbeHealth(p.id, p.placement, ctx.tuning));
    this.excursion = new ExcursionRule(c, ctx.limits, ctx.tuning);
    this.spoilage = new SpoilageRule(c.category, ctx.limits, ctx.tuning);
    this.plant = new PlantWatch({ index: ctx.index, latch: ctx.latch, caseDef: c, tuning: ctx.tuning.refrigeration });
  }

  applyController(r: ReadingOf<'case.air_temperature' | 'case.setpoint' | 'case.defrost' | 'case.door' | 'case.compressor'>): void {
    this.facts.apply(r);
    this.plant.apply(r);
    this.touch(r.ts);
  }

  applyProbe(r: ReadingOf<'probe.temperature'>): void {
    this.probes.get(r.deviceId)?.apply(r);
    this.touch(r.ts);
  }

  /** Judges the case at event time `now`; during a store outage nothing is known about it. */
  evaluate(now: number, outage: boolean): RuleDecision[] {
    const { caseDef, offline, tuning } = this.ctx;
    const out: RuleDecision[] = [];
    const controllerLive = !outage && !offline(caseDef.controllerId) && this.facts.lastControllerAt !== null;
    const usable: UsableProbe[] = [];
    for (const probe of this.probes.values()) {
      const fresh = !outage && !offline(probe.id) && probe.validAt !== null && now - probe.validAt <= tuning.probeSilentMin * MIN;
      const judged = fresh && !probe.selfFault;
      const findings = judged ? probe.findings(now, this.reference(probe.id, controllerLive)) : [];
      out.push(...probeDataDecisions(this.ctx, now, probe, findings, judged));
      if (judged && probe.usable(now, findings) && probe.tempC !== null && this.plausible(now, probe, controllerLive)) {
        usable.push({ id: probe.id, placement: probe.placement, tempC: probe.tempC });
      }
    }
    const snap = takeSnapshot(now, this.facts, controllerLive, usable, this.ctx.limits, tuning);
    this.last = snap;
    const exc = this.excursion.step(now, snap, this.facts);
    const confirmed = this.excursion.warm.active || this.excursion.ceiling.active;
    const spoil = this.spoilage.step(now, snap, confirmed);
    out.push(...this.caseTask(now, exc, spoil));
    out.push(...this.plant.evaluate(now, controllerLive));
    return out;
  }

  view(): CaseView {
    const c = this.ctx.caseDef;
    const s = this.last;
    const offline = !(s?.controllerLive ?? false);
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
      plant: this.plant.view(),
    };
  }

  minutesAboveLimit(): number {
    return Math.round(this.spoilage.accumMs / MIN);
  }

  inAlarm(): boolean {
    return this.excursion.inAlarm;
  }

  /**
   * The one task of the case: the excursion's findings first (door, refrigeration, too warm), and
   * once an excursion has been confirmed, what to do with the product for the time it has spent
   * above its limit.
   */
  private caseTask(now: number, exc: ExcursionOutcome | null, spoil: { band: SpoilageBand; reason: string; episodeStart: number } | null): RuleDecision[] {
    const { index, latch, caseDef } = this.ctx;
    const key = `case:${caseDef.id}`;
    const productAction = spoil !== null && SEVERITY_RANK[spoil.band.severity] >= SEVERITY_RANK.critical;
    if (exc === null && !productAction) {
      if (this.needsPerson) return [];
      return latch.clear(now, index.storeId, 'temperature_excursion', key, `${caseDef.name} is back within limits (door closed, refrigeration running, temperature under the limit minus hysteresis)`);
    }
    const evidence = [...(exc?.evidence ?? [])];
    if (spoil) evidence.push({ ts: spoil.episodeStart, text: `First above limit at ${fmtTime(spoil.episodeStart)}` }, { ts: now, text: `Cumulative time above limit: ${fmtDuration(this.spoilage.accumMs)}` });
    const severity = exc && (!spoil || SEVERITY_RANK[exc.severity] >= SEVERITY_RANK[spoil.band.severity]) ? exc.severity : (spoil?.band.severity ?? 'warning');
    // The product instruction leads once it is more than "check and re-chill".
    const title = productAction || !exc ? spoil!.band.title : exc.title;
    const action = [exc && !productAction ? exc.action : null, spoil ? `Product: ${spoil.band.action}` : null].filter((a) => a !== null).join(' ');
    const reason = [exc ? exc.reason : `${caseDef.name} is back within limits`, spoil ? spoil.reason : null].filter((r) => r !== null).join('. ');
    this.needsPerson = productAction;
    return latch.assert(now, {
      storeId: index.storeId, kind: 'temperature_excursion', locationKey: key, severity, location: index.caseLocation(caseDef),
      title, action, reason, evidence, products: index.caseProducts(caseDef),
    }, `${exc?.detailKey ?? ''}|${spoil ? `${spoil.band.title}|${spoil.episodeStart}` : ''}`);
  }

  private touch(ts: number): void {
    this.updatedAt = Math.max(this.updatedAt ?? ts, ts);
  }

  /**
   * A product can only be much warmer than the air it has sat in if the air was warm recently
   * (product lags air by tens of minutes, not hours). A warm product probe in a case whose air
   * has been cold for two hours is a probe out of place: do not alarm on it while the probe
   * checks build their case.
   */
  private plausible(now: number, probe: ProbeHealth, controllerLive: boolean): boolean {
    if (probe.placement !== 'product' || probe.tempC === null) return true;
    if (probe.tempC <= this.ctx.limits.productLimitC) return true;
    const air = this.facts.airHistory.since(now - 120 * MIN);
    const first = air[0];
    if (!first || now - first.ts < 30 * MIN || this.facts.airFresh(now, this.ctx.tuning.controllerHoldMin * MIN, controllerLive) === null) return true;
    const airMax = Math.max(...air.map((a) => a.v));
    return probe.tempC <= airMax + this.ctx.tuning.disagreeProductC;
  }

  /** The case air a probe is judged against: the controller's, else the case's other healthy air probes. */
  private reference(probeId: string, controllerLive: boolean): CaseReference | null {
    const facts = this.facts;
    const disturbed = (ts: number) => facts.disturbed(ts);
    const defrostedSince = (ts: number) => facts.defrostedSince(ts);
    if (controllerLive && facts.airHistory.latest() !== undefined) return { air: (since) => facts.airHistory.held(since), disturbed, defrostedSince };
    const others = [...this.probes.values()].filter((p) => p.id !== probeId && p.placement === 'air' && !p.selfFault);
    if (others.length === 0) return null;
    return {
      air: (since) => {
        const merged: Sample[] = [];
        for (const p of others) merged.push(...p.history.held(since));
        return merged.sort((a, b) => a.ts - b.ts);
      },
      disturbed,
      defrostedSince,
    };
  }
}
