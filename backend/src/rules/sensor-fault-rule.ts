import type { RefrigeratedCase } from '@shelfwatch/contracts';
import type { ConditionLatch } from './condition-latch.js';
import type { ProbeFinding, ProbeHealth } from './probe-health.js';
import type { StoreIndex } from './store-index.js';
import type { RuleDecision } from './types.js';

/**
 * One sensor_fault per probe whose values do not fit its case (`probe-data:<id>`). Its title
 * and instruction are those of the finding that took the probe out, so a fault that shows more
 * symptoms as it goes (a jump, then a standing offset) stays one task; it clears when the probe
 * counts again. Not judged while the probe is silent or reports its own fault: those are other
 * tasks (`device:`, `probe:`), and a probe that says nothing cannot be judged on its values.
 */
export function probeDataDecisions(
  ctx: { index: StoreIndex; latch: ConditionLatch; caseDef: RefrigeratedCase },
  now: number,
  probe: ProbeHealth,
  findings: ProbeFinding[],
  judged: boolean,
): RuleDecision[] {
  const { index, latch, caseDef } = ctx;
  const key = `probe-data:${probe.id}`;
  if (!judged) return [];
  const first = findings[0];
  if (!first) return latch.clear(now, index.storeId, 'sensor_fault', key, `Probe ${probe.id} fits its case again`);
  const others = caseDef.probes.length > 1 ? 'the case is watched with its controller and other probes meanwhile' : 'the case is watched with its controller meanwhile';
  return latch.assert(now, {
    storeId: index.storeId, kind: 'sensor_fault', locationKey: key, severity: 'warning',
    location: { ...index.caseLocation(caseDef), label: `Probe ${probe.id} (${probe.placement}) in ${index.caseLabel(caseDef)}` },
    title: first.title,
    action: 'Check the probe: placement (product probe in its simulant bottle, air probe in the air stream), cable, calibration against a reference thermometer; replace it if needed.',
    reason: `Probe ${probe.id} (${probe.placement}) in ${caseDef.name}: ${findings.map((f) => f.text).join('; ')}. Its readings are ignored for temperature alarms; ${others}.`,
    evidence: findings.map((f) => ({ ts: f.ts, text: f.text })),
    products: [],
  }, first.id);
}
