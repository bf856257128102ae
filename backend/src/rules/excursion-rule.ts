import type { RefrigeratedCase, TaskSeverity } from '@shelfwatch/contracts';
import type { CaseFacts } from './case-facts.js';
import type { CaseSnapshot } from './case-snapshot.js';
import type { RuleTuning } from './defaults.js';
import { fmtC, fmtDuration, fmtLimit, fmtTime, MIN } from './format.js';
import { ThresholdTimer } from './threshold-timer.js';
import type { ColdChainLimits } from './types.js';

interface Finding {
  title: string;
  text: string;
  action: string;
  ts: number;
}

export interface ExcursionOutcome {
  severity: TaskSeverity;
  title: string;
  action: string;
  reason: string;
  evidence: { ts: number; text: string }[];
  /** Which findings are active, so a change of cause re-asserts the task. */
  detailKey: string;
}

const CHECK_CASE = 'Check the case: door closed? compressor running? load line and air grilles clear?';

/**
 * Temperature excursion of one case, as ONE condition per case: door left open, refrigeration
 * stopped, product above limit, above the ceiling, or air alone too warm. Causes (door,
 * compressor) come first in the title; severity is critical once product is above the ceiling,
 * or a cause coincides with product above its limit.
 */
export class ExcursionRule {
  readonly warm = new ThresholdTimer();
  readonly ceiling = new ThresholdTimer();
  readonly airWarm = new ThresholdTimer();
  private compressorCondSince: number | null = null;
  private lastOutcome: ExcursionOutcome | null = null;
  private lastCause = false;
  private calmSince: number | null = null;
  /** What was last seen above the ceiling, and when: the alarm holds a while after it is back under. */
  private lastAboveCeiling: { what: 'Product' | 'Air'; at: number } | null = null;

  constructor(
    private readonly caseDef: RefrigeratedCase,
    private readonly limits: ColdChainLimits,
    private readonly tuning: RuleTuning,
  ) {}

  get inAlarm(): boolean {
    return this.warm.active || this.ceiling.active || this.airWarm.active;
  }

  step(now: number, s: CaseSnapshot, facts: CaseFacts): ExcursionOutcome | null {
    const l = this.limits;
    const t = this.tuning;
    const suppressed = s.suppression !== null;
    const common = { hysteresis: l.clearHysteresisC, resetMs: t.aboveResetMin * MIN, clearHoldMs: t.clearHoldMin * MIN };
    this.warm.step(now, s.evalC, suppressed, { ...common, threshold: l.productLimitC, delayMs: l.alarmDelayMin * MIN });
    // The ceiling is a product limit. Product has thermal mass: a minute or two above it is
    // already heat in the food, so a product probe alarms after a short confirmation. Air swings
    // by degrees within minutes (a door, a defrost tail, a restock) while the product barely
    // moves, so where no product probe is usable the air stands in (minus its offset, as for
    // `warm`) only after the alarm delay: otherwise one probe failing turns every door opening
    // into a critical "move product now".
    const ceilingValue = s.productC ?? s.evalC;
    const ceilingDelayMin = s.productC !== null ? t.ceilingConfirmMin : l.alarmDelayMin;
    this.ceiling.step(now, ceilingValue, suppressed, { ...common, threshold: l.alarmCeilingC, delayMs: ceilingDelayMin * MIN });
    // Air as early warning only where a product probe exists (otherwise air already drives `warm`).
    const airForWarning = s.source === 'product' ? s.airC : null;
    this.airWarm.step(now, airForWarning, suppressed, { ...common, threshold: l.alarmCeilingC, delayMs: l.alarmDelayMin * MIN });

    const findings: [string, Finding][] = [];
    // Door and compressor states are only as good as a controller that is online.
    const door = s.controllerLive ? this.doorFinding(now, facts) : null;
    if (door) findings.push(['door', door]);
    const comp = s.controllerLive ? this.compressorFinding(now, s, facts) : null;
    if (!s.controllerLive) this.compressorCondSince = null;
    if (comp) findings.push(['compressor', comp]);
    // Without a product probe, product is estimated as air minus an offset: say it in air terms.
    const what = s.source === 'product' ? `Product has been above ${fmtLimit(l.productLimitC)}` : `Air has been above ${fmtLimit(l.productLimitC + t.airOffsetC)} (no product probe)`;
    const notDefrost = facts.defrostActive ? (s.defrostStuck ? '; the defrost has run far longer than normal' : '') : '; not a defrost';
    const ceilingWhat = s.productC !== null ? 'Product' : 'Air';
    if (ceilingValue !== null && ceilingValue > l.alarmCeilingC) this.lastAboveCeiling = { what: ceilingWhat, at: now };
    if (this.ceiling.active && ceilingValue !== null) {
      const above = this.lastAboveCeiling?.at === now;
      // Once back under, say so: the alarm holds until the clear time has passed, and the value
      // now may come from another source (a product probe back after the air stood in for it).
      const was = this.lastAboveCeiling ? ` (${this.lastAboveCeiling.what.toLowerCase()} was above it at ${fmtTime(this.lastAboveCeiling.at)})` : '';
      const shown = s.productC ?? s.airC ?? ceilingValue;
      findings.push(['ceiling', {
        title: `Too warm: above ${fmtLimit(l.alarmCeilingC)}`,
        text: `${ceilingWhat} is at ${fmtC(shown)}, ${above ? 'above' : 'under'} the ${fmtLimit(l.alarmCeilingC)} ceiling${above ? '' : was}`,
        action: `${CHECK_CASE} Move product to another case now.`,
        ts: now,
      }]);
    }
    if (this.warm.active && s.evalC !== null) {
      findings.push(['warm', {
        title: 'Too warm',
        text: `${what} for ${fmtDuration(this.warm.accumMs)} (now ${fmtC(s.source === 'air' ? (s.airC ?? s.evalC) : s.evalC)})`,
        action: `${CHECK_CASE} Move product to another case if above ${fmtLimit(l.alarmCeilingC)}.`,
        ts: now,
      }]);
    }
    if (this.airWarm.active && s.airC !== null && s.productC !== null && s.productC <= l.productLimitC) {
      findings.push(['air', {
        title: 'Case air too warm',
        text: `Air has been above ${fmtLimit(l.alarmCeilingC)} for ${fmtDuration(this.airWarm.accumMs)} outside defrost and door openings (now ${fmtC(s.airC)}); product still at ${fmtC(s.productC ?? NaN)}`,
        action: `${CHECK_CASE} Product is still within limit: act before it warms.`,
        ts: now,
      }]);
    }
    // Calm counts from when the cause (door, compressor) is gone AND the temperature is back under the limit.
    const cool = door === null && comp === null && s.evalC !== null && s.evalC <= l.productLimitC - l.clearHysteresisC;
    this.calmSince = cool ? (this.calmSince ?? now) : null;
    if (findings.length === 0) return this.holdOrClear(now, s);
    const productAbove = s.evalC !== null && s.evalC > l.productLimitC;
    const cause = door !== null || comp !== null;
    const severity: TaskSeverity = this.ceiling.active || (cause && productAbove) ? 'critical' : 'warning';
    const first = findings[0]![1];
    const evidence = findings.map(([, f]) => ({ ts: f.ts, text: f.text }));
    if (s.evalC !== null) evidence.push({ ts: now, text: `${s.source === 'product' ? `Product probe ${s.productProbe ?? ''}`.trim() : 'Air'}: ${fmtC(s.source === 'air' ? (s.airC ?? s.evalC) : s.evalC)}` });
    this.lastCause = cause;
    this.lastOutcome = {
      severity,
      title: first.title,
      action: first.action,
      reason: findings.map(([, f]) => f.text).join('. ') + (this.warm.active || this.ceiling.active ? notDefrost : ''),
      evidence,
      detailKey: findings.map(([k]) => k).join(','),
    };
    return this.lastOutcome;
  }

  /**
   * The cause went away (door closed, compressor back) but the task only clears once the
   * temperature is back under the limit minus hysteresis for the hold time: a door closed on
   * warm product is not "resolved", and clearing then re-raising would make two tasks.
   */
  private holdOrClear(now: number, s: CaseSnapshot): ExcursionOutcome | null {
    if (this.lastOutcome === null) return null;
    // A door or compressor cause is only over when a live controller says so.
    if (this.lastCause && !s.controllerLive) return this.lastOutcome;
    if (this.calmSince === null || now - this.calmSince < this.tuning.clearHoldMin * MIN) return this.lastOutcome;
    this.lastOutcome = null;
    return null;
  }

  private doorFinding(now: number, f: CaseFacts): Finding | null {
    if (!f.doorOpen || f.doorOpenSince === null) return null;
    if (now - f.doorOpenSince < this.limits.doorAjarMin * MIN) return null;
    return {
      title: 'Door left open',
      text: `The door of ${this.caseDef.name} has been open for ${fmtDuration(now - f.doorOpenSince)} (since ${fmtTime(f.doorOpenSince)})`,
      action: 'Close the door and check that it seals; then check the product temperature.',
      ts: f.doorOpenSince,
    };
  }

  private compressorFinding(now: number, s: CaseSnapshot, f: CaseFacts): Finding | null {
    const t = this.tuning;
    const setpoint = f.setpointC ?? this.caseDef.setpointC;
    const dripping = f.defrostEndedAt !== null && now - f.defrostEndedAt < t.defrostDripMin * MIN;
    // Off is normal while the thermostat is satisfied and during defrost and drip-down; off while
    // the air is warm is not.
    const cond = f.compressorRunning === false && !f.defrostActive && !dripping && s.airC !== null && s.airC > setpoint + t.compressorCutInC;
    if (!cond) {
      this.compressorCondSince = null;
      return null;
    }
    // Many controllers stop the compressor while a door is open: a shopper's opening neither
    // starts nor ends a failure (a door left open is its own finding).
    if (f.doorOpen) {
      if (this.compressorCondSince === null || now - this.compressorCondSince < t.compressorFailMin * MIN) return null;
    } else {
      this.compressorCondSince ??= now;
      if (now - this.compressorCondSince < t.compressorFailMin * MIN) return null;
    }
    const offSince = f.compressorSince ?? this.compressorCondSince;
    return {
      title: 'Refrigeration stopped',
      text: `The compressor has been off since ${fmtTime(offSince)} while the air is at ${fmtC(s.airC ?? NaN)} (setpoint ${fmtC(setpoint)}); not a defrost`,
      action: 'Call refrigeration service: the compressor is not running. Keep the case closed; move product to another case if above ' + fmtLimit(this.limits.alarmCeilingC) + '.',
      ts: offSince,
    };
  }
}
