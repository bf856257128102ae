import type { PlantView, ReadingOf, RefrigeratedCase, TaskEvidence } from '@shelfwatch/contracts';
import type { z } from 'zod';
import type { ConditionLatch } from '../condition-latch.js';
import { fmtDuration, fmtTime, MIN } from '../format.js';
import type { StoreIndex } from '../store-index.js';
import type { RuleDecision } from '../types.js';
import { CompressorCycles } from './compressor-cycles.js';
import { judgePlant, pullDownMin, type PlantFindings } from './plant-health.js';
import type { PlantTuning } from './tuning.js';

export interface PlantWatchContext {
  index: StoreIndex;
  latch: ConditionLatch;
  caseDef: RefrigeratedCase;
  tuning: PlantTuning;
}

type Evidence = z.infer<typeof TaskEvidence>;

const pct = (share: number): string => `${Math.round(share * 100)} %`;
const perH = (c: number): string => `${(Math.round(c * 10) / 10).toFixed(1)} °C/h`;

const ACTION =
  'Call the refrigeration technician. Check: refrigerant charge (sight glass, superheat), condenser coil and condenser fan, evaporator coil for ice and the defrost termination. The product is still within its limit: keep the doors closed and watch the case temperature.';

/**
 * The refrigeration plant of one case, judged against the case's own normal: a
 * `refrigeration_maintenance` task for the technician (not staff) when it drifts the way
 * failing plant does, before the product warms. Event time only; see the rules README,
 * "Refrigeration maintenance".
 */
export class PlantWatch {
  private readonly data: CompressorCycles;
  private findingSince: number | null = null;
  private lastFindingAt: number | null = null;
  private raisedAt: number | null = null;
  /** What the latest judgement saw, for the cold-chain view and the dashboards. */
  private latest: PlantFindings | null = null;

  constructor(private readonly ctx: PlantWatchContext) {
    this.data = new CompressorCycles(ctx.tuning);
  }

  apply(r: ReadingOf<'case.air_temperature' | 'case.setpoint' | 'case.defrost' | 'case.door' | 'case.compressor'>): void {
    this.data.apply(r);
  }

  /** Judges at event time `now`; without a live controller nothing is judged and nothing changes. */
  evaluate(now: number, controllerLive: boolean): RuleDecision[] {
    if (!controllerLive) return [];
    const { tuning, latch, index, caseDef } = this.ctx;
    const key = `plant:${caseDef.id}`;
    const f = judgePlant(now, this.data, tuning, this.raisedAt ?? Infinity);
    this.latest = f;
    const any = f.capacityLoss !== null || f.openRunLoss || f.continuousRun !== null || f.slowPullDown !== null;
    if (any) {
      this.findingSince ??= now;
      this.lastFindingAt = now;
    } else {
      this.findingSince = null;
    }
    if (this.raisedAt === null) {
      if (this.findingSince === null || now - this.findingSince < tuning.confirmMin * MIN) return [];
      this.raisedAt = this.findingSince;
    } else if (!any) {
      if (this.lastFindingAt !== null && now - this.lastFindingAt < tuning.clearAfterH * 60 * MIN) return [];
      this.raisedAt = null;
      return latch.clear(now, index.storeId, 'refrigeration_maintenance', key, `${caseDef.name}: the refrigeration has behaved like its normal for ${fmtDuration(tuning.clearAfterH * 60 * MIN)}`);
    }
    if (!any) return [];
    const { title, reason, evidence, detail } = describe(now, f);
    return latch.assert(now, {
      storeId: index.storeId,
      kind: 'refrigeration_maintenance',
      locationKey: key,
      severity: 'warning',
      location: index.caseLocation(caseDef),
      title,
      action: ACTION,
      reason: `${caseDef.name}: ${reason}`,
      evidence,
      products: index.caseProducts(caseDef),
    }, detail);
  }

  /** The plant as last judged: duty cycle and capacity against the case's normal, and whether service is needed. */
  view(): PlantView {
    const f = this.latest;
    const pctOf = (share: number | undefined) => (share === undefined ? null : Math.round(share * 1000) / 10);
    // A run longer than any normal one is the latest word on the capacity; otherwise the latest cycles.
    const capacity = f?.openRun ? f.openRun.share : f?.recent && f.normal ? f.recent.capacityCPerH / f.normal.capacityCPerH : undefined;
    return {
      dutyPct: pctOf(f?.recent?.dutyShare),
      normalDutyPct: pctOf(f?.normal?.dutyShare),
      capacityPctOfNormal: pctOf(capacity),
      serviceNeededSince: this.raisedAt,
    };
  }
}

/** Words and numbers a technician checks. */
function describe(now: number, f: PlantFindings): { title: string; reason: string; evidence: Evidence[]; detail: string } {
  const normal = f.normal!;
  const reasons: string[] = [];
  const evidence: Evidence[] = [];
  const kinds: string[] = [];
  if (f.continuousRun) {
    const c = f.continuousRun;
    kinds.push('continuous');
    reasons.push(`compressor running without a stop for ${fmtDuration(now - c.sinceMs)}, the air up ${c.airRiseC.toFixed(1)} °C from its lowest of the run (normal run ${Math.round(c.normalOnMin)} min)`);
    evidence.push({ ts: c.sinceMs, text: `Compressor running since ${fmtTime(c.sinceMs)}, air up ${c.airRiseC.toFixed(1)} °C from its lowest since; normally it stops after ${Math.round(c.normalOnMin)} min` });
  }
  if (f.capacityLoss && f.recent) {
    const r = f.recent;
    kinds.push('capacity');
    reasons.push(`cooling capacity down to ${pct(f.capacityLoss.share)} of its normal`);
    evidence.push({
      ts: r.toMs,
      text: `Duty cycle ${pct(r.dutyShare)} over the last ${fmtDuration(r.toMs - r.fromMs)} (${r.cycles} cycles) vs ${pct(f.capacityLoss.expectedDutyShare)} normal at the same heat load (air gains ${perH(r.loadCPerH)} with the compressor off)`,
    });
    evidence.push({ ts: r.toMs, text: `Cooling capacity ${perH(r.capacityCPerH)} vs ${perH(normal.capacityCPerH)} normal (air pulled down while running plus the heat coming in)` });
  }
  if (f.openRunLoss && f.openRun) {
    const o = f.openRun;
    kinds.push('run-capacity');
    reasons.push(`compressor running ${fmtDuration(now - o.sinceMs)} without reaching its cut-out, at ${pct(o.share)} of its normal cooling capacity`);
    evidence.push({
      ts: o.sinceMs,
      text: `Compressor running since ${fmtTime(o.sinceMs)} (normal run ${Math.round(normal.onMin)} min): air ${o.fromC.toFixed(1)} → ${o.toC.toFixed(1)} °C, doors open ${pct(o.doorShare)} of the run; cooling capacity ${perH(o.capacityCPerH)} vs ${perH(normal.capacityCPerH)} normal (what the running compressor removed: the air's fall plus the heat coming in, ${perH(o.loadCPerH)} with the doors closed in the cycles before the run)`,
    });
  }
  if (f.slowPullDown) {
    const s = f.slowPullDown;
    kinds.push('pull-down');
    reasons.push(`pull-down after defrost slow (${s.recent.map((p) => `${Math.round(pullDownMin(p))} min`).join(', ')} vs ${Math.round(s.normalMin)} min normal; ${pct(s.share)} of its normal capacity at the same heat load)`);
    for (const p of s.recent) evidence.push({ ts: p.endMs, text: `Pull-down after the defrost ending ${fmtTime(p.defrostEndMs)}: ${p.fromC.toFixed(1)} → ${p.toC.toFixed(1)} °C in ${Math.round(pullDownMin(p))} min vs ${Math.round(s.normalMin)} min normal` });
  }
  evidence.push({ ts: normal.toMs, text: `Normal learned from ${normal.cycles} compressor cycles ${fmtTime(normal.fromMs)}–${fmtTime(normal.toMs)}: duty cycle ${pct(normal.dutyShare)}, capacity ${perH(normal.capacityCPerH)}, run ${Math.round(normal.onMin)} min` });
  const title = f.continuousRun
    ? 'Refrigeration: compressor running non-stop while the case warms'
    : f.capacityLoss || f.openRunLoss
      ? 'Refrigeration losing cooling capacity'
      : 'Refrigeration: slow pull-down after defrosts';
  return { title, reason: reasons.join('; '), evidence, detail: kinds.join('|') };
}
