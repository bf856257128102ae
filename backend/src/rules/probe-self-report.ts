import type { ReadingOf, RefrigeratedCase } from '@shelfwatch/contracts';
import type { ConditionLatch } from './condition-latch.js';
import type { RuleTuning } from './defaults.js';
import { fmtC, fmtTime, MIN } from './format.js';
import type { StoreIndex } from './store-index.js';
import type { RuleDecision } from './types.js';

/** Physically possible range for a probe inside a refrigerated case in a store. */
export const PLAUSIBLE_MIN_C = -45;
export const PLAUSIBLE_MAX_C = 45;

/** What a single probe reading says about the probe itself, if anything is wrong. */
export function selfReportedFault(r: ReadingOf<'probe.temperature'>): { id: string; title: string; text: string } | null {
  if (r.fault !== null || r.tempC === null) {
    const code = (r.fault ?? 'no value').replace('_', ' ');
    return { id: `fault:${r.fault ?? 'no_value'}`, title: 'Probe fault', text: `the probe reports a fault (${code})` };
  }
  if (r.tempC < PLAUSIBLE_MIN_C || r.tempC > PLAUSIBLE_MAX_C) {
    return { id: 'implausible', title: 'Probe reading impossible', text: `the probe reads ${fmtC(r.tempC)}, which is not possible in a case` };
  }
  return null;
}

/**
 * `probe:<id>`: a probe that reports its own failure (a fault code, no value, a physically
 * impossible value). Nothing else needs to be known to say so, so it is decided from the
 * probe's own readings as they arrive (each device's readings arrive in order), not at the
 * store's watermark: staff hear of a broken probe within milliseconds. It clears after the
 * probe has read plausibly for the clear-hold time.
 */
export class ProbeSelfReport {
  private lastTs: number | null = null;
  private faultSince: number | null = null;
  private healthySince: number | null = null;

  constructor(
    private readonly ctx: { index: StoreIndex; latch: ConditionLatch; tuning: RuleTuning },
    private readonly probe: { id: string; placement: 'air' | 'product'; caseDef: RefrigeratedCase },
  ) {}

  onReading(r: ReadingOf<'probe.temperature'>): RuleDecision[] {
    if (this.lastTs !== null && r.ts < this.lastTs) return [];
    this.lastTs = r.ts;
    const { index, latch, tuning } = this.ctx;
    const { id, placement, caseDef } = this.probe;
    const key = `probe:${id}`;
    const fault = selfReportedFault(r);
    if (fault) {
      this.healthySince = null;
      this.faultSince ??= r.ts;
      const others = caseDef.probes.length > 1 ? 'the case is watched with its controller and other probes meanwhile' : 'the case is watched with its controller meanwhile';
      return latch.assert(r.ts, {
        storeId: index.storeId, kind: 'sensor_fault', locationKey: key, severity: 'warning',
        location: { ...index.caseLocation(caseDef), label: `Probe ${id} (${placement}) in ${index.caseLabel(caseDef)}` },
        title: fault.title,
        action: 'Check the probe: battery, cable, placement (product probe in its simulant bottle, air probe in the air stream); replace it if needed.',
        reason: `Probe ${id} (${placement}) in ${caseDef.name}: ${fault.text} since ${fmtTime(this.faultSince)}. Its readings are ignored for temperature alarms; ${others}.`,
        evidence: [{ ts: this.faultSince, text: fault.text }],
        products: [],
      }, fault.id);
    }
    this.faultSince = null;
    if (!latch.isActive('sensor_fault', key)) return [];
    this.healthySince ??= r.ts;
    if (r.ts - this.healthySince < tuning.sensorClearHoldMin * MIN) return [];
    this.healthySince = null;
    return latch.clear(r.ts, index.storeId, 'sensor_fault', key, `Probe ${id} reads plausibly again`);
  }
}
