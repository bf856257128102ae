/**
 * Scoring tolerances, chosen from store practice and the physics of the cases, NOT from what
 * makes the figures look good. Each constant says why. Minutes unless the name says otherwise.
 * eval/README.md explains the matching rules these feed.
 */
const MIN = 60_000;

export interface SectionTolerances {
  /** A task raised this long before the truth interval started still matches it. */
  leadMs: number;
  /** A task raised this long after the truth interval ended still matches it (late, not false). */
  graceMs: number;
  /** Truth intervals of one location closer than this are one episode (one task is right for them). */
  mergeGapMs: number;
}

/**
 * Out of stock. Lead 1 min: the truth flips at the exact sale; a scale settling around the last
 * unit or a camera scan a step early may see it marginally sooner, anything earlier is a false
 * alarm. Grace 10 min: a single-source empty needs 5 min of persistence, plus a camera scan or
 * two; a task that arrives after the restock is late, and beyond 10 min it answers nothing.
 * Merge 10 min: a slot that got a unit or two and was empty again within 10 min was never
 * really refilled; the rule rightly keeps one task (it clears only at >= 2 units).
 */
export const OUT_OF_STOCK: SectionTolerances = { leadMs: 1 * MIN, graceMs: 10 * MIN, mergeGapMs: 10 * MIN };
/** Low stock: same sensors and the same persistence as out of stock. */
export const LOW_STOCK: SectionTolerances = OUT_OF_STOCK;

/**
 * Planogram. Lead 1 min as for stock (same sensors). Grace 15 min: a wrong product must be seen
 * with good confidence over several scans; a correction during the last scans makes the task
 * late, not false. Merge 10 min: wrong product and missing facings of one slot, or a product
 * put right and misplaced again minutes later, are one thing for the person facing up.
 */
export const PLANOGRAM: SectionTolerances = { leadMs: 1 * MIN, graceMs: 15 * MIN, mergeGapMs: 10 * MIN };

/**
 * Cold chain. Lead 30 min: product lags the air by hours (tau 2-5 h), so a warning on warm air,
 * a door left open or a stopped compressor legitimately comes before the product crosses its
 * limit: that is the early warning a store manager wants. Grace 30 min: the industry's default
 * high-temperature alarm delay is about 30 min (the backend confirms 20 min chilled, 30 min
 * frozen) and the product probes report every few minutes. Merge 30 min: product flapping
 * around its limit is one excursion to a person (the backend accumulates time above the limit).
 */
export const COLD_CHAIN: SectionTolerances = { leadMs: 30 * MIN, graceMs: 30 * MIN, mergeGapMs: 30 * MIN };

/**
 * Sensor faults. Lead 5 min (a fault injected at a step boundary; a device may misbehave a
 * report early). Grace 60 min: a stuck probe can only be recognised after 60 min of the case
 * moving while the value does not; a silent probe after 15 min. Merge 30 min.
 */
export const SENSOR_FAULTS: SectionTolerances = { leadMs: 5 * MIN, graceMs: 60 * MIN, mergeGapMs: 30 * MIN };

/**
 * Store outage (a power cut: every device down at once). Lead 5 min: the rule may see most of
 * the store fall silent within a reporting interval. Grace 30 min: a store-level rule waits for
 * the devices' reporting intervals (probes every minute or so, a board's heartbeat) before it
 * calls the store down. Merge 30 min: power that flickers back for minutes is one outage.
 */
export const STORE_OUTAGE: SectionTolerances = { leadMs: 5 * MIN, graceMs: 30 * MIN, mergeGapMs: 30 * MIN };
/**
 * Tasks counted toward `storeOutage.tasksPerOutage`: sensor-fault tasks raised from this long
 * before an outage starts until this long after it ends (devices that report their reboot late).
 */
export const OUTAGE_TASK_WINDOW = { beforeMs: 5 * MIN, afterMs: 15 * MIN };

/**
 * A probe error a store must fix: EN 12830 class 1 temperature recorders may be off by 1 °C;
 * a probe reading more than that beside the truth (a constant offset, a drift that has grown
 * that far) is out of its accuracy class. Noise with a standard deviation of half that turns
 * single readings into false limit crossings.
 */
export const PROBE_OUT_OF_SPEC_C = 1;

/**
 * The backend's reordering window (backend/src/rules/README.md): readings up to this much
 * event time behind the store must give the same tasks. The delivery replays delay readings
 * within it.
 */
export const REORDERING_WINDOW_MS = 10 * MIN;

/**
 * Minimum true duration before a task is WARRANTED (recall counts only these). Shorter
 * conditions may still be matched by a task (so that task is not a false alarm), they are just
 * not held against recall.
 */
export const MIN_WARRANTED_MS = {
  /** A gap refilled within 10 min is sold-and-refilled churn; the shelf was already being dealt with. */
  out_of_stock: 10 * MIN,
  /** Below reorder point for under 10 min: refilled before a task could be walked to. */
  low_stock: 10 * MIN,
  /** Facing-up rounds are hourly or so; a slip put right within 30 min needs no task. */
  planogram_violation: 30 * MIN,
  /**
   * Product above its limit for 30 min: the usual high-temperature alarm delay of commercial
   * case controllers; shorter rises are defrost and loading transients the product tolerates.
   */
  product_at_risk: 30 * MIN,
  /** A door left ajar for 10 min wastes cold and warms the top of the load: somebody must close it. */
  door_ajar: 10 * MIN,
  /** Refrigeration stopped 30 min: longer than any compressor off-cycle or defrost drip. */
  compressor_failure: 30 * MIN,
  fan_failure: 30 * MIN,
  /** A device fault that heals itself within 30 min does not need a technician. */
  sensor_fault: 30 * MIN,
  /** Power out for 10 min: long enough that the cases warm and staff must know the feed is blind. */
  store_outage: 10 * MIN,
} as const;

/**
 * Frozen food may rise briefly to -15 °C in retail display cabinets (EU quick-frozen foodstuffs
 * rules, Directive 89/108/EEC): a frozen product-at-risk interval whose peak stays at or below
 * this is within the legal tolerance and is not held against recall.
 */
export const FROZEN_TOLERATED_PEAK_C = -15;

/** Case faults (target = case id) that staff must act on: scored as cold chain. */
export const CASE_FAULTS = ['door_ajar', 'compressor_failure', 'fan_failure'] as const;

/** Case faults that are a slow loss of cooling: scored as cold chain like a stopped compressor. */
export const GRADUAL_CASE_FAULTS = ['cooling_degradation', 'refrigerant_leak', 'condenser_fouling', 'evaporator_icing'] as const;

/** Device faults (target = probe, controller, board or camera id): scored as sensor faults. */
export const DEVICE_FAULTS = [
  'probe_drift',
  'probe_disconnect',
  'probe_stuck',
  'probe_noisy',
  'probe_offset',
  'controller_offline',
  'board_disconnect',
  'board_corrupt_frames',
  'board_drop_frames',
  'device_silent',
  'camera_offline',
] as const;

/** Whole-store outages (target = the store): scored as storeOutage. */
export const STORE_OUTAGE_FAULTS = ['power_cut'] as const;

/**
 * Faults that are about delivery, not the store: the devices keep working, their readings
 * arrive late. No task is warranted; any they cause is counted where it lands (a false alarm).
 */
export const DELIVERY_FAULTS = ['gateway_outage', 'backhaul_outage'] as const;

/**
 * Cold-chain false alarms are attributed to the normal operation they followed: a defrost plus
 * the pull-down after it (up to an hour), or a shopper's door opening plus the air's recovery.
 */
export const DEFROST_ATTRIBUTION_MS = 60 * MIN;
export const DOOR_ATTRIBUTION_MS = 30 * MIN;

/** Examples of misses and false alarms kept per section in the results (for explaining figures). */
export const MAX_EXAMPLES = 20;

/**
 * Sell-outs ahead of time (eval/README.md): a sell-out counts as warned when a warning stood at
 * least `leadMs` before it (the time staff need to restock); sell-outs in the first `warmupMs`
 * of a run are not counted (no sales seen yet: a running store has its history).
 */
export const FORECAST = {
  leadMs: 30 * MIN,
  graceMs: 10 * MIN,
  mergeGapMs: 10 * MIN,
  warmupMs: 60 * MIN,
} as const;

/**
 * Failing refrigeration ahead of time (see eval/README.md): a slow plant failure is warned when a
 * `refrigeration_maintenance` task stood at least `leadMs` before the product crossed its limit.
 * A warning is earned by any fault of the case's plant (slow or sudden) from `graceMs` before it
 * starts to `graceMs` after it ends; any other is false.
 */
export const REFRIGERATION = {
  leadMs: 2 * 60 * MIN,
  /**
   * A case's normal is learned from its own history (6 h of cycles, judged against the last 3 h):
   * failures starting earlier in a run have no normal to drift from and are not counted.
   */
  warmupMs: 9 * 60 * MIN,
  graceMs: 60 * MIN,
  /** Plant faults that earn a technician's warning: the slow ones and the sudden ones a technician repairs. */
  plantFaults: [...GRADUAL_CASE_FAULTS, 'compressor_failure', 'fan_failure'] as readonly string[],
} as const;
