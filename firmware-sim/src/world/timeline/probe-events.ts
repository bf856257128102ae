import type { TimelineHandlers } from './types.js';

/** Wireless probe faults: what the thermistor or the radio does wrong. */
export const PROBE_EVENTS: TimelineHandlers<'probe_drift' | 'probe_disconnect' | 'probe_stuck' | 'probe_noisy' | 'probe_offset'> = {
  probe_drift: (world, event, at) => {
    const p = world.probes.get(event.probeId)!;
    world.fault(
      event,
      at,
      p.id,
      { cPerHour: event.cPerHour, ...(event.maxC === undefined ? {} : { maxC: event.maxC }) },
      () => (p.faults = { ...p.faults, driftCPerH: event.cPerHour, driftSinceMs: at, driftMaxC: event.maxC ?? null }),
      () => (p.faults = { ...p.faults, driftCPerH: 0, driftSinceMs: null, driftMaxC: null }),
    );
  },
  probe_disconnect: (world, event, at) => {
    const p = world.probes.get(event.probeId)!;
    if (event.mode === 'offline') world.fault(event, at, p.id, { mode: event.mode }, () => p.offline++, () => p.offline--);
    else world.fault(event, at, p.id, { mode: event.mode }, () => (p.faults = { ...p.faults, openCircuit: true }), () => (p.faults = { ...p.faults, openCircuit: false }));
  },
  probe_stuck: (world, event, at) => {
    const p = world.probes.get(event.probeId)!;
    const valueC = event.valueC ?? null;
    world.fault(
      event,
      at,
      p.id,
      valueC === null ? {} : { valueC },
      () => (p.faults = { ...p.faults, stuck: true, stuckValueC: valueC }),
      () => (p.faults = { ...p.faults, stuck: false, stuckValueC: null }),
    );
  },
  probe_noisy: (world, event, at) => {
    const p = world.probes.get(event.probeId)!;
    world.fault(event, at, p.id, { sdC: event.sdC }, () => (p.faults = { ...p.faults, noisySdC: event.sdC }), () => (p.faults = { ...p.faults, noisySdC: 0 }));
  },
  probe_offset: (world, event, at) => {
    const p = world.probes.get(event.probeId)!;
    world.fault(
      event,
      at,
      p.id,
      { offsetC: event.offsetC },
      () => (p.faults = { ...p.faults, offsetC: p.faults.offsetC + event.offsetC }),
      () => (p.faults = { ...p.faults, offsetC: p.faults.offsetC - event.offsetC }),
    );
  },
};
