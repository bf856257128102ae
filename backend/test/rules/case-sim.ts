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
  /** The controller cycles the compressor between setpoint ± 1 °C (off: the case warms towards the room). */
  cycling?: boolean;
  /** The product simulant's time constant behind the air (default 90 min). */
  productTauMin?: number;
  /** Replace what the product probe reports (null: it sends nothing at that step). */
  productReport?: (tMin: number, physicalC: number) => number | null;
  /** Replace what the air probe reports. */
  airReport?: (tMin: number, reportedC: number) => number | null;
}

export interface CaseSim {
  readings: Reading[];
  /** Per step: the controller's air and what the product probe reports (its sensor noise included). */
  samples: { ts: number; airC: number; productC: number }[];
}

/** What a case controller publishes when it comes up: setpoint, no defrost, door shut, compressor on. */
function controllerAtStart(caseId: string, ts: number, setpointC: number): Reading[] {
  return [ctl(caseId, ts, 'case.setpoint', setpointC), ctl(caseId, ts, 'case.defrost', false), ctl(caseId, ts, 'case.door', false), ctl(caseId, ts, 'case.compressor', true)];
}

/** A probe's noise: its last digit zig-zags, as a real sensor's does (a stuck one does not). */
export const probeNoise = (step: number) => 0.02 * (step % 2 === 0 ? 1 : -1) + 0.01 * Math.sin(step * 1.3);
const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * First-order physics of a refrigerated case: the air follows the compressor (pull-down),
 * the defrost heater, an open door or the room; the product simulant follows the air with a
 * 90-min time constant by default, which is why product barely moves during defrost and door openings.
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
  const readings: Reading[] = controllerAtStart(o.caseId, start, setpoint);
  const samples: CaseSim['samples'] = [];
  let air = setpoint;
  let product = o.initialProductC ?? setpoint + 1.5;
  let door = false;
  let defrost = false;
  let compressor = true;
  let failed = false;
  let ei = 0;
  for (let ts = start; ts <= start + o.minutes * MIN; ts += step) {
    const tMin = (ts - start) / MIN;
    while (ei < events.length && events[ei]!.atMin <= tMin) {
      const e = events[ei++]!;
      const at = start + e.atMin * MIN;
      if (e.door !== undefined) { door = e.door; readings.push(ctl(o.caseId, at, 'case.door', e.door)); }
      if (e.defrost !== undefined) { defrost = e.defrost; readings.push(ctl(o.caseId, at, 'case.defrost', e.defrost)); }
      if (e.compressor !== undefined) { compressor = e.compressor; failed = !e.compressor; readings.push(ctl(o.caseId, at, 'case.compressor', e.compressor)); }
    }
    const dt = step / MIN;
    if (o.cycling && !failed && !defrost && !door) {
      // The thermostat: cut in at setpoint + 1, out at setpoint - 1.
      const running: boolean = air >= setpoint + 1 ? true : air <= setpoint - 1 ? false : compressor;
      if (running !== compressor) readings.push(ctl(o.caseId, ts, 'case.compressor', running));
      compressor = running;
    }
    let target: number;
    let tau: number;
    if (door) [target, tau] = [ambient - 4, 2];
    else if (defrost) [target, tau] = [setpoint + (frozen ? 15 : 8), 8];
    else if (compressor) [target, tau] = [o.cycling ? setpoint - 6 : setpoint - 0.5, 4];
    else [target, tau] = [ambient, 45];
    if (ts > start) {
      air += (target - air) * (1 - Math.exp(-dt / tau));
      product += (air - product) * (1 - Math.exp(-dt / (o.productTauMin ?? 90)));
    }
    const noise = 0.15 * Math.sin(tMin * 0.7);
    const airC = Math.round((air + noise) * 10) / 10;
    const productC = round2(product + probeNoise(Math.round(tMin)));
    samples.push({ ts, airC, productC });
    if (o.controllerAir ?? true) readings.push(ctl(o.caseId, ts, 'case.air_temperature', airC));
    if (probeA && (o.airProbe ?? true)) {
      const airProbe = round2(airC + 0.4 + probeNoise(Math.round(tMin) + 1));
      const reportedAir = o.airReport ? o.airReport(tMin, airProbe) : airProbe;
      if (reportedAir !== null) readings.push(probe(probeA, o.caseId, ts, reportedAir));
    }
    if (probeP && (o.productProbe ?? true)) {
      const reported = o.productReport ? o.productReport(tMin, productC) : productC;
      if (reported !== null) readings.push(probe(probeP, o.caseId, ts, reported));
    }
  }
  return { readings, samples };
}

export interface DriveOptions {
  caseId: 'case-4' | 'case-5' | 'case-9';
  minutes: number;
  /** The case air at each minute (what the controller reports). */
  air: (tMin: number) => number;
  /** The product simulant's time constant behind the air, minutes. */
  tauMin: number;
  productC0: number;
  /** Replace what the product probe reports (null: nothing at that minute). */
  productReport?: (tMin: number, physicalC: number) => number | null;
}

/**
 * A case whose air is driven along a given profile (the compressor stays on): the product
 * simulant follows it as a first-order lag, which is all the rules may assume about it.
 */
export function driveCase(o: DriveOptions): CaseSim {
  const readings: Reading[] = controllerAtStart(o.caseId, T0, o.caseId === 'case-9' ? -22 : 2);
  const samples: CaseSim['samples'] = [];
  const probeP = o.caseId === 'case-4' ? 'probe-4p' : o.caseId === 'case-9' ? 'probe-9p' : null;
  let product = o.productC0;
  for (let m = 0; m <= o.minutes; m += 1) {
    const ts = T0 + m * MIN;
    const airC = Math.round(o.air(m) * 10) / 10;
    if (m > 0) product += (Math.round(o.air(m - 1) * 10) / 10 - product) * (1 - Math.exp(-1 / o.tauMin));
    const productC = round2(product + probeNoise(m));
    samples.push({ ts, airC, productC });
    readings.push(ctl(o.caseId, ts, 'case.air_temperature', airC));
    if (o.caseId === 'case-4') readings.push(probe('probe-4a', o.caseId, ts, round2(airC + 0.4 + probeNoise(m + 1))));
    const reported = o.productReport ? o.productReport(m, productC) : productC;
    if (probeP && reported !== null) readings.push(probe(probeP, o.caseId, ts, reported));
  }
  return { readings, samples };
}
