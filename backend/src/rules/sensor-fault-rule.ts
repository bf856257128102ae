import type { CaseFacts } from './case-facts.js';
import type { CaseMonitorContext } from './case-monitor.js';
import { fmtDuration, fmtTime, MIN } from './format.js';
import type { ProbeFinding, ProbeHealth } from './probe-health.js';
import type { RuleDecision } from './types.js';

export interface SensorFaultContext extends CaseMonitorContext {
  facts: CaseFacts;
  probeCount: number;
}

/** One sensor_fault per probe (`probe:<id>`), listing everything wrong with it. */
export function probeFaultDecisions(ctx: SensorFaultContext, now: number, probe: ProbeHealth, findings: ProbeFinding[]): RuleDecision[] {
  const { index, latch, caseDef } = ctx;
  const key = `probe:${probe.id}`;
  if (findings.length === 0) {
    // Cleared only after the probe has been healthy for the hold time (no clear/raise flapping).
    if (!latch.isActive('sensor_fault', key) || !probe.healthyFor(now)) return [];
    return latch.clear(now, index.storeId, 'sensor_fault', key, `Probe ${probe.id} reads plausibly again`);
  }
  const first = findings[0]!;
  const others = ctx.probeCount > 1 || ctx.facts.airC !== null ? 'the case is watched with its other sensors meanwhile' : 'the case has no other sensor meanwhile';
  return latch.assert(now, {
    storeId: index.storeId, kind: 'sensor_fault', locationKey: key, severity: 'warning',
    location: { ...index.caseLocation(caseDef), label: `Probe ${probe.id} (${probe.placement}) in ${index.caseLabel(caseDef)}` },
    title: first.title,
    action: 'Check the probe: battery, cable, placement (product probe in its simulant bottle, air probe in the air stream); replace it if needed.',
    reason: `Probe ${probe.id} (${probe.placement}) in ${caseDef.name}: ${findings.map((f) => f.text).join('; ')}. Its readings are ignored for temperature alarms; ${others}.`,
    evidence: findings.map((f) => ({ ts: f.ts, text: f.text })),
    products: [],
  }, findings.map((f) => f.id).join(','));
}

/** One sensor_fault per case controller (`controller:<caseId>`): offline (last will) or silent. */
export function controllerFaultDecisions(ctx: SensorFaultContext, now: number): RuleDecision[] {
  const { index, latch, caseDef, tuning, facts: f } = ctx;
  const key = `controller:${caseDef.id}`;
  let text: string | null = null;
  let ts = now;
  if (!f.online) {
    ts = f.offlineSince ?? now;
    text = `The controller of ${caseDef.name} went offline at ${fmtTime(ts)}${f.offlineDetail ? ` (${f.offlineDetail})` : ''}: no air temperature, door, defrost or compressor data`;
  } else {
    const heard = f.lastControllerAt ?? ctx.startedAt;
    if (now - heard > tuning.controllerSilentMin * MIN) {
      text = `The controller of ${caseDef.name} has sent nothing for ${fmtDuration(now - heard)}`;
      ts = heard;
    }
  }
  if (text === null) return latch.clear(now, index.storeId, 'sensor_fault', key, `The controller of ${caseDef.name} reports again`);
  return latch.assert(now, {
    storeId: index.storeId, kind: 'sensor_fault', locationKey: key, severity: 'warning',
    location: { ...index.caseLocation(caseDef), label: `Controller of ${index.caseLabel(caseDef)}` },
    title: 'Case controller offline',
    action: 'Check the case controller’s power and network; call refrigeration service if it stays offline. Check the case temperature by hand meanwhile.',
    reason: `${text}. Alarms for this case rely on its wireless probes meanwhile.`,
    evidence: [{ ts, text }],
    products: [],
  });
}
