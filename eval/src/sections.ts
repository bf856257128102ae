import { type StoreLayout, type TaskKind, type Task } from '@shelfwatch/contracts';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';
import type { TruthPart } from './episodes.js';
import { forecastHorizon } from './forecast-score.js';
import {
  CASE_FAULTS,
  COLD_CHAIN,
  DELIVERY_FAULTS,
  DEVICE_FAULTS,
  FROZEN_TOLERATED_PEAK_C,
  GRADUAL_CASE_FAULTS,
  LOW_STOCK,
  MIN_WARRANTED_MS,
  OUT_OF_STOCK,
  PLANOGRAM,
  PROBE_OUT_OF_SPEC_C,
  SENSOR_FAULTS,
  STORE_OUTAGE,
  STORE_OUTAGE_FAULTS,
  type SectionTolerances,
} from './tolerances.js';

export type SectionName = 'outOfStock' | 'lowStock' | 'planogram' | 'coldChain' | 'sensorFault' | 'storeOutage';
export const SECTION_NAMES: readonly SectionName[] = ['outOfStock', 'lowStock', 'planogram', 'coldChain', 'sensorFault', 'storeOutage'];

/** How one section turns truth into parts and tasks into keys of the same space. */
export interface SectionSpec {
  name: SectionName;
  tolerances: SectionTolerances;
  /** Task kinds scored here, each with the truth `what`s it may match. */
  matchable: Partial<Record<TaskKind, readonly string[]>>;
  parts(events: readonly GroundTruthEvent[]): TruthPart[];
  /** The task's location in the section's key space; null when it names no known place. */
  taskKey(task: Task): string | null;
  /** Whether a task of a matchable kind belongs to this section at all (default: yes). */
  owns?(task: Task): boolean;
  /** How long before an episode this task may be raised and still detect it (default: the tolerances' lead). */
  leadMs?(task: Task): number;
  /** An unmatched task of this kind that is judged by another figure (a warning ahead of time), not a false alarm here. */
  scoredElsewhereIfUnmatched?(task: Task): boolean;
}

/** Sensor-fault keys that are not about one device: the store outage, and the backend's wall-clock watchdog (not scored). */
const STORE_LEVEL_KEYS = ['store:', 'gateway:'];

const isCaseFault = (f: string): boolean => (CASE_FAULTS as readonly string[]).includes(f);
const isGradualCaseFault = (f: string): boolean => (GRADUAL_CASE_FAULTS as readonly string[]).includes(f);
const isDeviceFault = (f: string): boolean => (DEVICE_FAULTS as readonly string[]).includes(f);
const isStoreOutage = (f: string): boolean => (STORE_OUTAGE_FAULTS as readonly string[]).includes(f);

/** Rule location keys as the backend writes them (backend/src/rules/README.md). */
function keyWithPrefix(task: Task, prefix: string): string | null {
  return task.locationKey.startsWith(prefix) && task.locationKey.length > prefix.length ? task.locationKey : null;
}

function slotParts(events: readonly GroundTruthEvent[], type: 'out_of_stock' | 'low_stock' | 'planogram_violation'): TruthPart[] {
  const parts: TruthPart[] = [];
  for (const e of events) {
    if (e.type !== type) continue;
    parts.push({ what: type, key: `slot:${e.slotId}`, startMs: e.startMs, endMs: e.endMs, openAtEnd: e.openAtEnd, counts: true, minMs: MIN_WARRANTED_MS[type] });
  }
  return parts;
}

function coldChainParts(events: readonly GroundTruthEvent[]): TruthPart[] {
  const parts: TruthPart[] = [];
  for (const e of events) {
    if (e.type === 'product_at_risk') {
      const counts = e.category === 'chilled' || e.peakC > FROZEN_TOLERATED_PEAK_C;
      parts.push({ what: 'product_at_risk', key: `case:${e.caseId}`, startMs: e.startMs, endMs: e.endMs, openAtEnd: e.openAtEnd, counts, minMs: MIN_WARRANTED_MS.product_at_risk });
    } else if (e.type === 'fault' && isCaseFault(e.fault)) {
      const minMs = MIN_WARRANTED_MS[e.fault as (typeof CASE_FAULTS)[number]];
      parts.push({ what: e.fault, key: `case:${e.target}`, startMs: e.startMs, endMs: e.endMs, openAtEnd: e.openAtEnd, counts: true, minMs });
    } else if (e.type === 'fault' && isGradualCaseFault(e.fault)) {
      // A case losing capacity warrants a task once its product is at risk; a warning on its warming air before that is early, not false.
      parts.push({ what: e.fault, key: `case:${e.target}`, startMs: e.startMs, endMs: e.endMs, openAtEnd: e.openAtEnd, counts: false, minMs: MIN_WARRANTED_MS.product_at_risk });
    }
  }
  return parts;
}

/**
 * Whether an injected probe fault takes the probe out of its accuracy class: an offset or a
 * drift that grows beyond PROBE_OUT_OF_SPEC_C, noise whose sd is half of it; stuck, silent and
 * disconnected devices always are.
 */
function deviceFaultWarranted(fault: string, detail: Record<string, unknown>, minutes: number): boolean {
  // Without the magnitude in the record, the injection is taken at its word.
  const num = (k: string) => (typeof detail[k] === 'number' ? detail[k] : null);
  switch (fault) {
    case 'probe_offset':
      return Math.abs(num('offsetC') ?? Infinity) >= PROBE_OUT_OF_SPEC_C;
    case 'probe_drift': {
      const grown = Math.abs(num('cPerHour') ?? Infinity) * (minutes / 60);
      return Math.min(grown, num('maxC') ?? Infinity) >= PROBE_OUT_OF_SPEC_C;
    }
    case 'probe_noisy':
      return (num('sdC') ?? Infinity) >= PROBE_OUT_OF_SPEC_C / 2;
    default:
      return true;
  }
}

/** Every device of the store, named as sensor-fault truth names its targets. */
function allDevices(layout: StoreLayout): string[] {
  return [
    ...layout.shelves.map((s) => s.boardId),
    ...layout.cameras.map((c) => c.id),
    ...layout.cases.flatMap((c) => [c.controllerId, ...c.probes.map((p) => p.id)]),
  ];
}

function sensorFaultParts(events: readonly GroundTruthEvent[], layout: StoreLayout): TruthPart[] {
  const parts: TruthPart[] = [];
  for (const e of events) {
    if (e.type !== 'fault') continue;
    const span = { startMs: e.startMs, endMs: e.endMs, openAtEnd: e.openAtEnd, minMs: MIN_WARRANTED_MS.sensor_fault };
    if (isDeviceFault(e.fault)) {
      parts.push({ what: e.fault, key: `dev:${e.target}`, ...span, counts: deviceFaultWarranted(e.fault, e.detail, e.minutes) });
    } else if (isStoreOutage(e.fault)) {
      // Every device IS down during a power cut: a per-device task is noise (counted in
      // storeOutage.tasksPerOutage), not a false claim; none is warranted.
      for (const device of allDevices(layout)) parts.push({ what: e.fault, key: `dev:${device}`, ...span, counts: false });
    }
  }
  return parts;
}

/** Maps sensor-fault task keys to the device id the simulator names as the fault's target. */
function deviceKeyOf(layout: StoreLayout): (task: Task) => string | null {
  const controllerOfCase = new Map(layout.cases.map((c) => [c.id, c.controllerId]));
  const boardOfSlot = new Map(layout.shelves.flatMap((s) => s.slots.map((slot) => [slot.id, s.boardId] as const)));
  return (task) => {
    const sep = task.locationKey.indexOf(':');
    if (sep <= 0) return null;
    const prefix = task.locationKey.slice(0, sep);
    const rest = task.locationKey.slice(sep + 1);
    if (rest === '') return null;
    switch (prefix) {
      case 'probe':
      case 'probe-data':
      case 'device':
        return `dev:${rest}`;
      case 'controller': {
        const id = controllerOfCase.get(rest);
        return id === undefined ? null : `dev:${id}`;
      }
      case 'weight': {
        const id = boardOfSlot.get(rest);
        return id === undefined ? null : `dev:${id}`;
      }
      default:
        return null;
    }
  };
}

export const SECTION_TOLERANCES: Record<SectionName, SectionTolerances> = {
  outOfStock: OUT_OF_STOCK,
  lowStock: LOW_STOCK,
  planogram: PLANOGRAM,
  coldChain: COLD_CHAIN,
  sensorFault: SENSOR_FAULTS,
  storeOutage: STORE_OUTAGE,
};

export function sectionSpecs(layout: StoreLayout): Record<SectionName, SectionSpec> {
  return {
    outOfStock: {
      name: 'outOfStock',
      tolerances: SECTION_TOLERANCES.outOfStock,
      matchable: { out_of_stock: ['out_of_stock'] },
      parts: (events) => slotParts(events, 'out_of_stock'),
      taskKey: (task) => keyWithPrefix(task, 'slot:'),
    },
    lowStock: {
      name: 'lowStock',
      tolerances: SECTION_TOLERANCES.lowStock,
      matchable: { low_stock: ['low_stock'] },
      parts: (events) => slotParts(events, 'low_stock'),
      taskKey: (task) => keyWithPrefix(task, 'slot:'),
      // "Restock before HH:MM" is the low-stock task raised ahead by the sell-out forecast: it
      // detects the low stock that follows within its horizon. One that nothing followed (staff
      // restocked in time, or the pace slowed) is the forecast's to answer for
      // (forecast.outOfStock.falseWarningsPerSlotDay), not a false low-stock alarm.
      leadMs: (task) => (forecastHorizon(task) ?? task.raisedAt) - task.raisedAt,
      scoredElsewhereIfUnmatched: (task) => task.title.startsWith('Restock before'),
    },
    planogram: {
      name: 'planogram',
      tolerances: SECTION_TOLERANCES.planogram,
      matchable: { planogram_violation: ['planogram_violation'] },
      parts: (events) => slotParts(events, 'planogram_violation'),
      taskKey: (task) => keyWithPrefix(task, 'slot:'),
    },
    coldChain: {
      name: 'coldChain',
      tolerances: SECTION_TOLERANCES.coldChain,
      // A door left ajar or stopped refrigeration IS something staff must act on, so an
      // excursion task for it is a true alarm even before the product is at risk. Spoilage
      // claims the product WAS above its limit: only product_at_risk supports it.
      matchable: { temperature_excursion: ['product_at_risk', ...CASE_FAULTS, ...GRADUAL_CASE_FAULTS], spoilage: ['product_at_risk'] },
      parts: coldChainParts,
      taskKey: (task) => keyWithPrefix(task, 'case:'),
    },
    sensorFault: {
      name: 'sensorFault',
      tolerances: SECTION_TOLERANCES.sensorFault,
      matchable: { sensor_fault: [...DEVICE_FAULTS, ...STORE_OUTAGE_FAULTS] },
      parts: (events) => sensorFaultParts(events, layout),
      taskKey: deviceKeyOf(layout),
      owns: (task) => !STORE_LEVEL_KEYS.some((p) => task.locationKey.startsWith(p)),
    },
    storeOutage: {
      name: 'storeOutage',
      tolerances: SECTION_TOLERANCES.storeOutage,
      matchable: { sensor_fault: STORE_OUTAGE_FAULTS },
      parts: (events) =>
        events.flatMap((e): TruthPart[] =>
          e.type === 'fault' && isStoreOutage(e.fault)
            ? [{ what: e.fault, key: 'store', startMs: e.startMs, endMs: e.endMs, openAtEnd: e.openAtEnd, counts: true, minMs: MIN_WARRANTED_MS.store_outage }]
            : [],
        ),
      taskKey: () => 'store',
      owns: (task) => task.locationKey.startsWith('store:'),
    },
  };
}

/** Task kinds no section scores (reported as counts only). */
export const UNSCORED_KINDS: readonly TaskKind[] = ['verify_stock', 'delivery_receive'];

/** Faults the simulator may inject that no section knows (reported, not scored). */
export function isKnownFault(fault: string): boolean {
  return isCaseFault(fault) || isGradualCaseFault(fault) || isDeviceFault(fault) || isStoreOutage(fault) || (DELIVERY_FAULTS as readonly string[]).includes(fault);
}
