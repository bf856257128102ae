import type { RuleTuning } from './defaults.js';
import type { CaseFacts } from './case-facts.js';
import { fmtTime, MIN } from './format.js';
import type { ColdChainLimits } from './types.js';

/** One moment of a case as the temperature rules see it. */
export interface CaseSnapshot {
  /** Warmest usable product probe: the evidence the rules prefer. */
  productC: number | null;
  productProbe: string | null;
  /** Controller air if fresh, else the warmest usable air probe. */
  airC: number | null;
  /** Product temperature, or air minus the offset when no product probe is usable. */
  evalC: number | null;
  source: 'product' | 'air' | null;
  /** Why a warm reading is expected right now (defrost, door), or null. */
  suppression: string | null;
  /** A defrost running longer than any normal one. */
  defrostStuck: boolean;
  /** The controller is online and its door, defrost and compressor states can be believed. */
  controllerLive: boolean;
}

export interface UsableProbe {
  id: string;
  placement: 'air' | 'product';
  tempC: number;
}

export function takeSnapshot(
  now: number,
  facts: CaseFacts,
  controllerLive: boolean,
  probes: UsableProbe[],
  limits: ColdChainLimits,
  tuning: RuleTuning,
): CaseSnapshot {
  let productC: number | null = null;
  let productProbe: string | null = null;
  let probeAirC: number | null = null;
  for (const p of probes) {
    if (p.placement === 'product' && (productC === null || p.tempC > productC)) {
      productC = p.tempC;
      productProbe = p.id;
    }
    if (p.placement === 'air' && (probeAirC === null || p.tempC > probeAirC)) probeAirC = p.tempC;
  }
  const airC = facts.airFresh(now, tuning.controllerHoldMin * MIN, controllerLive) ?? probeAirC;
  const source = productC !== null ? 'product' : airC !== null ? 'air' : null;
  const evalC = productC ?? (airC === null ? null : airC - tuning.airOffsetC);
  // Without a live controller nothing excuses a warm case: defrost and door states are unknown.
  const { suppression, defrostStuck } = controllerLive ? suppressionAt(now, facts, limits, tuning) : { suppression: null, defrostStuck: false };
  return { productC, productProbe, airC, evalC, source, suppression, defrostStuck, controllerLive };
}

function suppressionAt(now: number, f: CaseFacts, limits: ColdChainLimits, tuning: RuleTuning) {
  let defrostStuck = false;
  const reasons: string[] = [];
  if (f.defrostActive) {
    const since = f.defrostSince ?? now;
    if (now - since <= tuning.maxDefrostMin * MIN) reasons.push(`a defrost is running (since ${fmtTime(since)})`);
    else defrostStuck = true;
  } else if (f.defrostEndedAt !== null && now - f.defrostEndedAt < limits.defrostRecoveryMin * MIN) {
    reasons.push(`the case is recovering from a defrost that ended at ${fmtTime(f.defrostEndedAt)}`);
  }
  // Back-to-back openings (a rush, a restock) excuse the air only for so long: a case that
  // cannot recover between openings is a problem the staff must hear about.
  const busyTooLong = f.doorBusySince !== null && now - f.doorBusySince > tuning.maxDoorSuppressionMin * MIN;
  if (busyTooLong) {
    // no door excuse
  } else if (f.doorOpen) {
    const since = f.doorOpenSince ?? now;
    if (now - since < limits.doorAjarMin * MIN) reasons.push(`the door is open (since ${fmtTime(since)})`);
  } else if (f.doorClosedAt !== null && now - f.doorClosedAt < limits.doorRecoveryMin * MIN) {
    reasons.push(`the case is recovering from a door opening that ended at ${fmtTime(f.doorClosedAt)}`);
  }
  return { suppression: reasons.length > 0 ? reasons.join(' and ') : null, defrostStuck };
}
