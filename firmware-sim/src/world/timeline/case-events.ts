import type { TimelineHandlers } from './types.js';

/** Refrigerated cases: failures, operations and shopper traffic at the doors. */
export const CASE_EVENTS: TimelineHandlers<
  'compressor_failure' | 'door_ajar' | 'fan_failure' | 'defrost' | 'setpoint_change' | 'cooling_degradation' | 'door_rush'
> = {
  compressor_failure: (world, event, at) => {
    const c = world.cases.get(event.caseId)!;
    world.fault(event, at, event.caseId, {}, () => c.compressorFailed++, () => c.compressorFailed--);
  },
  door_ajar: (world, event, at) => {
    const c = world.cases.get(event.caseId)!;
    world.fault(event, at, event.caseId, {}, () => c.ajar++, () => c.ajar--);
  },
  fan_failure: (world, event, at) => {
    const c = world.cases.get(event.caseId)!;
    world.fault(event, at, event.caseId, {}, () => c.fanFailed++, () => c.fanFailed--);
  },
  defrost: (world, event, at) => {
    // A manual defrost is operations, not a fault: it shows up as a defrost interval.
    const c = world.cases.get(event.caseId)!;
    const id = event.caseId;
    c.manualDefrost++;
    world.truth.defrost(id, true, at);
    world.schedule(at + Math.round((event.forS ?? c.physics.defrostMin * 60) * 1000), (endAt) => {
      c.manualDefrost--;
      if (!world.defrostActive(c)) world.truth.defrost(id, false, endAt);
    });
  },
  setpoint_change: (world, event, at) => {
    // Operations, not a fault: the case regulates to the new value, and the controller reports it.
    const c = world.cases.get(event.caseId)!;
    const before = c.setpointC;
    const set = (toC: number, atMs: number) => {
      world.truth.emit({ type: 'setpoint', ts: atMs, caseId: c.def.id, fromC: c.setpointC, toC });
      c.setpointC = toC;
    };
    world.during(event, at, () => set(event.setpointC, at), (endAt) => set(before, endAt));
  },
  cooling_degradation: (world, event, at) => {
    const c = world.cases.get(event.caseId)!;
    const loss = { startMs: at, rampMs: Math.round(event.rampS * 1000), toFraction: event.toFraction };
    world.fault(
      event,
      at,
      event.caseId,
      { toFraction: event.toFraction, rampS: event.rampS },
      () => c.coolingLosses.push(loss),
      () => c.coolingLosses.splice(c.coolingLosses.indexOf(loss), 1),
    );
  },
  door_rush: (world, event, at) => {
    const c = world.cases.get(event.caseId)!;
    const rush = { openingsPerHour: event.openingsPerHour, openS: event.openS, rng: c.rng.fork(`door-rush:${at}`) };
    const key = `${event.caseId}:${at}`;
    const info = { caseId: event.caseId, openingsPerHour: event.openingsPerHour };
    world.during(
      event,
      at,
      () => {
        c.doorRushes.push(rush);
        world.truth.doorRush(key, true, at, info);
      },
      (endAt) => {
        c.doorRushes.splice(c.doorRushes.indexOf(rush), 1);
        world.truth.doorRush(key, false, endAt, info);
      },
    );
  },
};
