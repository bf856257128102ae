import type { Reading } from '@shelfwatch/contracts';
import { ctl, MIN, probe, T0 } from './timeline.js';

export interface CaseEvent {
  atMin: number;
  door?: boolean;
  defrost?: boolean;
  compressor?: boolean;
}

export interface CaseSimOptions {
  caseId: 'case-4' | 'case-5' | 'case-9';
  minutes: number;
  start?: number;
  stepSec?: number;
  setpointC?: number;
  ambientC?: number;
  initialProductC?: number;
  airProbe?: boolean;
  productProbe?: boolean;
  controllerAir?: boolean;
  events?: CaseEvent[];
  /** Replace what the product probe reports (null: it sends nothing at that step). */
  productReport?: (tMin: number, physicalC: number) => number | null;
}

export interface CaseSim {
  readings: Reading[];
  samples: { ts: number; airC: number; productC: number }[];
}

/**
 * First-order physics of a refrigerated case: the air follows the compressor (pull-down),
 * the defrost heater, an open door or the room; the product simulant follows the air with a
 * ~90 min time constant, which is why product barely moves during defrost and door openings.
 */
export function simulateCase(o: CaseSimOptions): CaseSim {
  const start = o.start ?? T0;
  const step = (o.stepSec ?? 60) * 1000;
  const frozen = o.caseId === 'case-9';
  const setpoint = o.setpointC ?? (frozen ? -22 : 2);
  const ambient = o.ambientC ?? 20;
  const probeA = o.caseId === 'case-4' ? 'probe-4a' : null;
  const probeP = o.caseId === 'case-4' ? 'probe-4p' : o.caseId === 'case-9' ? 'probe-9p' : null;
  const events = [...(o.events ?? [])].sort((a, b) => a.atMin - b.atMin);
  const readings: Reading[] = [
    ctl(o.caseId, start, 'case.setpoint', setpoint),
    ctl(o.caseId, start, 'case.defrost', false),
    ctl(o.caseId, start, 'case.door', false),
    ctl(o.caseId, start, 'case.compressor', true),
  ];
  const samples: CaseSim['samples'] = [];
  let air = setpoint;
  let product = o.initialProductC ?? setpoint + 1.5;
  let door = false;
  let defrost = false;
  let compressor = true;
  let ei = 0;
  for (let ts = start; ts <= start + o.minutes * MIN; ts += step) {
    const tMin = (ts - start) / MIN;
    while (ei < events.length && events[ei]!.atMin <= tMin) {
      const e = events[ei++]!;
      const at = start + e.atMin * MIN;
      if (e.door !== undefined) { door = e.door; readings.push(ctl(o.caseId, at, 'case.door', e.door)); }
      if (e.defrost !== undefined) { defrost = e.defrost; readings.push(ctl(o.caseId, at, 'case.defrost', e.defrost)); }
      if (e.compressor !== undefined) { compressor = e.compressor; readings.push(ctl(o.caseId, at, 'case.compressor', e.compressor)); }
    }
    const dt = step / MIN;
    let target: number;
    let tau: number;
    if (door) [target, tau] = [ambient - 4, 2];
    else if (defrost) [target, tau] = [setpoint + (frozen ? 15 : 8), 8];
    else if (compressor) [target, tau] = [setpoint - 0.5, 4];
    else [target, tau] = [ambient, 45];
    if (ts > start) {
      air += (target - air) * (1 - Math.exp(-dt / tau));
      product += (air - product) * (1 - Math.exp(-dt / 90));
    }
    const noise = 0.15 * Math.sin(tMin * 0.7);
    const airC = Math.round((air + noise) * 10) / 10;
    const productC = Math.round(product * 10) / 10;
    samples.push({ ts, airC, productC });
    if (o.controllerAir ?? true) readings.push(ctl(o.caseId, ts, 'case.air_temperature', airC));
    if (probeA && (o.airProbe ?? true)) readings.push(probe(probeA, o.caseId, ts, Math.round((airC + 0.4) * 10) / 10));
    if (probeP && (o.productProbe ?? true)) {
      const reported = o.productReport ? o.productReport(tMin, productC) : productC;
      if (reported !== null) readings.push(probe(probeP, o.caseId, ts, reported));
    }
  }
  return { readings, samples };
}
