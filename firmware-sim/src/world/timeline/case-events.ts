import type { CaseSim } from '../entities.js';
import { meltIce, type CapacityLoss } from '../thermal-case.js';
import type { TimelineEvent } from '../../scenario/schema.js';
import type { TimelineHandlers, TimelineWorld } from './types.js';

/** A capacity loss that develops from `at` and is repaired after the event's forS. */
function capacityLossFault(world: TimelineWorld, event: TimelineEvent & { caseId: string; rampS: number }, at: number, shape: Pick<CapacityLoss, 'lossAtRefC' | 'lossPerC'>, detail: Record<string, unknown>): void {
  const c = world.cases.get(event.caseId)!;
  const loss: CapacityLoss = { startMs: at, rampMs: Math.round(event.rampS * 1000), ...shape };
  world.fault(event, at, event.caseId, detail, () => c.coolingLosses.push(loss), () => c.coolingLosses.splice(c.coolingLosses.indexOf(loss), 1));
}

function endDefrost(c: CaseSim): void {
  if (c.icing) c.ice = meltIce(c.ice, c.icing);
}

/** Refrigerated cases: failures, operations and shopper traffic at the doors. */
export const CASE_EVENTS: TimelineHandlers<
  'compressor_failure' | 'door_ajar' | 'fan_failure' | 'defrost' | 'setpoint_change' | 'cooling_degradation' | 'door_rush' | 'refrigerant_leak' | 'condenser_fouling' | 'evaporator_icing'
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
      if (world.defrostActive(c)) return;
      world.truth.defrost(id, false, endAt);
      endDefrost(c);
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
  cooling_degradation: (world, event, at) =>
    capacityLossFault(world, event, at, { lossAtRefC: 1 - event.toFraction, lossPerC: 0 }, { toFraction: event.toFraction, rampS: event.rampS }),
  refrigerant_leak: (world, event, at) =>
    capacityLossFault(world, event, at, { lossAtRefC: 1 - event.toFraction, lossPerC: 0 }, { toFraction: event.toFraction, rampS: event.rampS }),
  condenser_fouling: (world, event, at) =>
    capacityLossFault(world, event, at, { lossAtRefC: event.lossAtRefC, lossPerC: event.lossPerC }, { lossAtRefC: event.lossAtRefC, lossPerC: event.lossPerC, rampS: event.rampS }),
  evaporator_icing: (world, event, at) => {
    const c = world.cases.get(event.caseId)!;
    const icing = { lossPerRunH: event.lossPerRunH, defrostClears: event.defrostClears };
    world.fault(
      event,
      at,
      event.caseId,
      icing,
      () => {
        c.icing = icing;
      },
      () => {
        // The repair (a full manual defrost, the drain cleared) leaves a clean coil.
        c.icing = null;
        c.ice = 0;
      },
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
