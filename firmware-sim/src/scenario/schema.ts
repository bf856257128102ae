import { z } from 'zod';
import type { StoreLayout } from '@shelfwatch/contracts';
import { DeviceId, Id, SlotId, Sku } from '@shelfwatch/contracts';
import { Seconds } from './duration.js';

const Rate = z.number().min(0).max(1);

const CasePhysicsOverride = z
  .object({
    airTauMin: z.number().positive(),
    doorOpenLeakFactor: z.number().min(1),
    coolingCPerH: z.number().min(0),
    fanFailedCoolingFraction: Rate,
    heaterCPerH: z.number().min(0),
    productTauMin: z.number().positive(),
    hysteresisC: z.number().positive(),
    defrostsPerDay: z.number().int().min(0).max(24),
    defrostMin: z.number().min(0).max(120),
    doorOpeningsPerHour: z.number().min(0),
    doorOpenS: z.number().min(0),
  })
  .partial()
  .strict();
export type CasePhysicsOverride = z.infer<typeof CasePhysicsOverride>;

/** Generates a layout from a compact spec, for stores too large to write out (see generate-layout.ts). */
export const GeneratedLayoutSpec = z
  .object({
    storeId: Id,
    name: z.string().default('Generated store'),
    timezone: z.string().default('Europe/Berlin'),
    aisles: z.number().int().min(1).max(100),
    shelvesPerAisle: z.number().int().min(1).max(100),
    slotsPerShelf: z.number().int().min(1).max(64),
    products: z.number().int().min(1).max(10_000),
    suppliers: z.number().int().min(1).max(100).default(4),
    cameras: z.number().int().min(0).max(1000),
    slotsPerCamera: z.number().int().min(1).max(200),
    cases: z.number().int().min(0).max(500),
    probesPerCase: z.number().int().min(0).max(8),
  })
  .strict();
export type GeneratedLayoutSpec = z.infer<typeof GeneratedLayoutSpec>;

const at = { at: Seconds };
const forS = { forS: Seconds.optional() };

/**
 * What happens to the store, at `at` seconds from the start, for `forS` seconds (omitted = to
 * the end of the run). The README's "Scenarios" section says what each one does to the devices
 * and what it writes to the ground truth.
 */
export const TimelineEvent = z.discriminatedUnion('type', [
  // Cases
  z.object({ ...at, type: z.literal('compressor_failure'), caseId: Id, ...forS }).strict(),
  z.object({ ...at, type: z.literal('door_ajar'), caseId: Id, ...forS }).strict(),
  z.object({ ...at, type: z.literal('fan_failure'), caseId: Id, ...forS }).strict(),
  z.object({ ...at, type: z.literal('defrost'), caseId: Id, ...forS }).strict(),
  /** The controller's setpoint is changed (operations, a technician); reverts after forS. */
  z.object({ ...at, type: z.literal('setpoint_change'), caseId: Id, setpointC: z.number().min(-40).max(15), ...forS }).strict(),
  /** Cooling capacity falls linearly to `toFraction` over `rampS` (refrigerant leak, iced coil) and stays there. */
  z.object({ ...at, type: z.literal('cooling_degradation'), caseId: Id, toFraction: Rate, rampS: Seconds, ...forS }).strict(),
  /** Refrigerant leaking out: capacity falls linearly to `toFraction` over `rampS`, whatever the store temperature; repaired after forS. */
  z.object({ ...at, type: z.literal('refrigerant_leak'), caseId: Id, toFraction: Rate, rampS: Seconds, ...forS }).strict(),
  /**
   * A fouling condenser (dirty coil, failing condenser fan), fully developed after `rampS`: loses
   * `lossAtRefC` of the capacity at a 21 °C store and `lossPerC` more per °C warmer (less when cooler).
   */
  z.object({ ...at, type: z.literal('condenser_fouling'), caseId: Id, lossAtRefC: Rate, lossPerC: z.number().min(0).max(0.5), rampS: Seconds.default(0), ...forS }).strict(),
  /** Frost builds on the evaporator while the compressor runs (`lossPerRunH` of capacity per hour); each defrost melts only `defrostClears` of it. */
  z.object({ ...at, type: z.literal('evaporator_icing'), caseId: Id, lossPerRunH: z.number().positive().max(1), defrostClears: Rate.default(0.5), ...forS }).strict(),
  /** Extra shopper door openings (a promotion, restocking through the doors): Poisson, each `openS` ±50 %. */
  z.object({ ...at, type: z.literal('door_rush'), caseId: Id, openingsPerHour: z.number().positive().max(600), openS: z.number().positive().max(600).default(10), ...forS }).strict(),
  // Probes
  /** The reading drifts by cPerHour; with maxC it stops growing at ±maxC and stays there. */
  z.object({ ...at, type: z.literal('probe_drift'), probeId: DeviceId, cPerHour: z.number().default(2), maxC: z.number().positive().max(40).optional(), ...forS }).strict(),
  z.object({ ...at, type: z.literal('probe_disconnect'), probeId: DeviceId, mode: z.enum(['offline', 'open_circuit']).default('offline'), ...forS }).strict(),
  /** The reading freezes: at `valueC` if given, else at its last value. */
  z.object({ ...at, type: z.literal('probe_stuck'), probeId: DeviceId, valueC: z.number().min(-60).max(80).optional(), ...forS }).strict(),
  z.object({ ...at, type: z.literal('probe_noisy'), probeId: DeviceId, sdC: z.number().positive().default(1.5), ...forS }).strict(),
  /** A constant calibration error (a knocked thermistor, a probe moved to a warmer spot). */
  z.object({ ...at, type: z.literal('probe_offset'), probeId: DeviceId, offsetC: z.number().min(-20).max(20), ...forS }).strict(),
  // Devices and the network
  z.object({ ...at, type: z.literal('controller_offline'), controllerId: DeviceId, ...forS }).strict(),
  z.object({ ...at, type: z.literal('board_disconnect'), boardId: DeviceId, ...forS }).strict(),
  z.object({ ...at, type: z.literal('board_corrupt_frames'), boardId: DeviceId, rate: Rate.default(0.2), ...forS }).strict(),
  z.object({ ...at, type: z.literal('board_drop_frames'), boardId: DeviceId, rate: Rate.default(0.2), ...forS }).strict(),
  /** Any device hangs: it stays connected (no last will, the line stays up) but reports nothing. */
  z.object({ ...at, type: z.literal('device_silent'), deviceId: DeviceId, ...forS }).strict(),
  /** A camera loses power or its network: its connection drops and the broker publishes its last will. */
  z.object({ ...at, type: z.literal('camera_offline'), cameraId: DeviceId, ...forS }).strict(),
  /** These slots leave the camera's view (it was bumped, a display blocks it): it stops reporting them. */
  z.object({ ...at, type: z.literal('camera_coverage'), cameraId: DeviceId, slotIds: z.array(SlotId).min(1), ...forS }).strict(),
  /** Mains power fails store-wide: every device goes down at once and the cases stop cooling. */
  z.object({ ...at, type: z.literal('power_cut'), ...forS }).strict(),
  /** The gateway is down (crash, reboot): devices keep working and hold or lose what they cannot send. */
  z.object({ ...at, type: z.literal('gateway_outage'), ...forS }).strict(),
  /**
   * The link from the gateway to the backend fails. `backlog`: nothing gets through, the
   * gateway's outbox delivers it in order afterwards. `shuffled`: a store-and-forward path
   * accepts the readings but delivers them out of order, each up to `windowS` late.
   */
  z.object({ ...at, type: z.literal('backhaul_outage'), delivery: z.enum(['backlog', 'shuffled']).default('backlog'), windowS: Seconds.default(300), ...forS }).strict(),
  // Shelves
  /** Shoppers may buy the wrong product (`soldPerHour`); it stays until sold out, forS ends or a restock clears it. */
  z.object({ ...at, type: z.literal('misplace_product'), slotId: SlotId, sku: Sku, units: z.number().int().positive().default(2), soldPerHour: z.number().min(0).default(0), ...forS }).strict(),
  z.object({ ...at, type: z.literal('set_facings'), slotId: SlotId, facings: z.number().int().min(0), ...forS }).strict(),
  /** Products pushed to the back of the slot: the units are there, the front a camera sees is empty. */
  z.object({ ...at, type: z.literal('push_back'), slotId: SlotId, ...forS }).strict(),
  /** A shopper lifts units off the slot and puts them back after forS. */
  z.object({ ...at, type: z.literal('shopper_lift'), slotId: SlotId, units: z.number().int().positive().default(1), forS: Seconds }).strict(),
  /** A shopper leans or rests something on the slot: `grams` more on the load cell for forS. */
  z.object({ ...at, type: z.literal('shopper_lean'), slotId: SlotId, grams: z.number().positive().max(50_000), forS: Seconds }).strict(),
  z.object({ ...at, type: z.literal('delivery'), sku: Sku, units: z.number().int().positive() }).strict(),
  z.object({ ...at, type: z.literal('rush'), multiplier: z.number().positive(), skus: z.array(Sku).optional(), ...forS }).strict(),
  /** Staff fill the slot from the backroom; with another `sku` than planned they stock in the wrong product. */
  z.object({ ...at, type: z.literal('restock'), slotId: SlotId, units: z.number().int().positive().optional(), sku: Sku.optional() }).strict(),
]);
export type TimelineEvent = z.infer<typeof TimelineEvent>;
export type TimelineEventType = TimelineEvent['type'];

export const SimSettings = z
  .object({
    /** Wall-clock instant the simulated day starts at (ISO 8601 with offset). */
    startTime: z.iso.datetime({ offset: true }),
    durationS: Seconds,
    /** Fixed simulated-time step of the world; boards sample once per step. */
    stepMs: z.number().int().min(100).max(10_000).default(1000),
    ambientC: z.number().min(-10).max(45).default(21),
    /** Amplitude of the store's daily air temperature swing (drives load-cell drift). */
    ambientSwingC: z.number().min(0).max(10).default(1.5),
    demand: z
      .object({
        unitsPerSlotPerDay: z.number().min(0).default(24),
        skuUnitsPerDay: z.record(Sku, z.number().min(0)).default({}),
        /** 24 relative weights by local hour. */
        curve: z.array(z.number().min(0)).length(24).optional(),
        /** Customer touches (presses, lifts that are put back) per sale. */
        touchesPerSale: z.number().min(0).default(0.6),
      })
      .strict()
      .prefault({}),
    initialStock: z
      .object({
        fraction: Rate.default(0.85),
        slots: z.record(SlotId, z.number().int().min(0)).default({}),
      })
      .strict()
      .prefault({}),
    backroom: z
      .object({ defaultUnits: z.number().int().min(0).default(48), skus: z.record(Sku, z.number().int().min(0)).default({}) })
      .strict()
      .prefault({}),
    autoRestock: z
      .object({
        enabled: z.boolean().default(false),
        /** Staff restock when a slot is empty, or already at its reorder point. */
        trigger: z.enum(['empty', 'reorder_point']).default('empty'),
        delayMin: z.number().min(0).default(20),
      })
      .strict()
      .prefault({}),
    loadCell: z
      .object({
        noiseCounts: z.number().min(0),
        driftCountsPerC: z.number(),
        settleTauMs: z.number().positive(),
        offsetErrorCounts: z.number().min(0),
        scaleErrorPct: z.number().min(0),
      })
      .partial()
      .strict()
      .prefault({}),
    boards: z
      .object({ deadbandCounts: z.number().int().min(0).default(400), heartbeatS: z.number().positive().default(10) })
      .strict()
      .prefault({}),
    cameras: z
      .object({
        scanIntervalS: z.number().positive().default(60),
        wrongSkuRate: Rate.default(0.01),
        missedGapRate: Rate.default(0.02),
        occlusionRate: Rate.default(0.03),
        /**
         * Per slot, how well its camera sees it: `covered: false` = the layout lists the slot but
         * the camera's view misses it (never reported); the rates override the camera's.
         */
        slots: z
          .record(SlotId, z.object({ covered: z.boolean(), wrongSkuRate: Rate, missedGapRate: Rate, occlusionRate: Rate }).partial().strict())
          .default({}),
      })
      .strict()
      .prefault({}),
    probes: z
      .object({ intervalS: z.number().positive().default(60), noiseC: z.number().min(0).default(0.05) })
      .strict()
      .prefault({}),
    controllers: z
      .object({
        /** Air temperature is published at most this often, and only when its 0.1 °C value changes. */
        minUpdateS: z.number().min(0).default(5),
        quantumC: z.number().positive().default(0.1),
      })
      .strict()
      .prefault({}),
    cases: z
      .object({
        byType: z.partialRecord(z.enum(['multideck', 'door', 'island']), CasePhysicsOverride).default({}),
        byCase: z.record(Id, CasePhysicsOverride).default({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type SimSettings = z.infer<typeof SimSettings>;

/** The scenario file as written: the store inline, by relative file, or generated. */
export const ScenarioFile = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(80),
    /** What ShelfWatch should do when it runs this scenario. */
    description: z.string().min(1),
    expect: z.array(z.string()).default([]),
    /** A StoreLayout inline, a path relative to this file, or { generate: GeneratedLayoutSpec }. */
    store: z.unknown(),
    settings: SimSettings,
    timeline: z.array(TimelineEvent).default([]),
  })
  .strict();

/** A loaded scenario: the layout resolved and validated. */
export interface Scenario {
  name: string;
  description: string;
  expect: string[];
  layout: StoreLayout;
  settings: SimSettings;
  timeline: TimelineEvent[];
  /** Where it came from, for messages. */
  source: string;
}
