import { z } from 'zod';
import { knob } from './knob.js';
import { PlantTuning } from './refrigeration/tuning.js';

/** Cold-chain limits of a case category (store-configurable; backend config `limits` overrides any of them). */
export const ColdChainLimits = z
  .object({
    /** Product must be at or below this (chilled: 5 °C; frozen: -18 °C). */
    productLimitC: z.number().min(-40).max(15),
    /** Air or product above this is an alarm regardless of duration (chilled: 8 °C; frozen: -15 °C). */
    alarmCeilingC: z.number().min(-40).max(20),
    /** Minutes above productLimitC before a temperature_excursion is raised (outside defrost/door recovery). */
    alarmDelayMin: z.number().min(0).max(24 * 60),
    /** Minutes after a defrost ends during which the air may still be above limit without an alarm. */
    defrostRecoveryMin: z.number().min(0).max(240),
    /** Minutes after a door closes during which the air may still be above limit without an alarm. */
    doorRecoveryMin: z.number().min(0).max(240),
    /** A door open longer than this is "door ajar". */
    doorAjarMin: z.number().min(0).max(240),
    /** Degrees below productLimitC the temperature must fall before an excursion clears (hysteresis). */
    clearHysteresisC: z.number().min(0).max(10),
  })
  .strict();
export type ColdChainLimits = z.infer<typeof ColdChainLimits>;

/** Knobs that are not per-category limits, with their defaults; StoreModel.tuning may override any of them. */
export const RuleTuning = z
  .object({
    /** One stock source alone (the other silent or unsure) must persist this long before out of stock. */
    stockPersistMin: knob(5),
    /** Both stock sources empty this long: out of stock. A shopper may hold the last unit for a
     *  couple of minutes to read its label; the sell-out forecast calls a lift a sale only after
     *  3 min (`saleConfirmMin`), and the last unit is no different. */
    surePersistMin: knob(3),
    /** Weight and camera contradicting each other this long becomes a verify task. */
    verifyPersistMin: knob(10),
    /** ... and agreeing again this long ends it. */
    verifyClearHoldMin: knob(5),
    /** Camera readings below this confidence are ignored (occlusion by shoppers, glare). */
    cameraMinConfidence: knob(0.6),
    /** One camera gap at this confidence counts at once; below it two consecutive gaps are needed. */
    cameraSureConfidence: knob(0.85),
    /** Units above the reorder point before low stock clears (weight noise flips ±1 unit). */
    lowStockClearMarginUnits: knob(2),
    /** The scale at or below the reorder point this long before low stock (a unit in a shopper's hand is back sooner). */
    lowStockPersistMin: knob(2),
    /** A slot above its reorder point (but within the margin) this long ends a low-stock task. */
    lowStockClearHoldMin: knob(10),
    /** Wrong product seen with good confidence this long before a planogram violation. */
    wrongProductPersistMin: knob(10),
    /** Fewer facings than planned this long (with stock present) before a planogram violation. */
    facingsPersistMin: knob(20),
    /** A planogram violation ends once the slot has looked right this long (one good scan is not enough). */
    planogramClearHoldMin: knob(10),
    /** What a shelf load cell resolves, in grams (its noise and settling, about 10 g). A stock step is
     *  the difference of two readings, so it is good to twice this plus the packs' own variation. */
    scaleResolutionG: knob(10),
    /** Stable weight samples needed for the weight-per-unit check. */
    weightResidualSamples: knob(5),
    /** Pack weights (filling tolerance) and an installed load cell's calibration together vary
     *  within about ±2 % of a unit: n units may weigh n × this away from n unit weights without anything wrong. */
    calibrationTolerance: knob(0.02),
    /** Door openings in a row with no full recovery between excuse the air at most this long. */
    maxDoorSuppressionMin: knob(30),
    /** A defrost longer than this is stuck: stop suppressing alarms for it. */
    maxDefrostMin: knob(45),
    /** After a defrost the compressor may stay off while the coil drips. */
    defrostDripMin: knob(10),
    /** Compressor off, with air above setpoint + compressorCutInC, this long → refrigeration stopped. */
    compressorFailMin: knob(15),
    compressorCutInC: knob(2),
    /** A probe scattering more than this from one reading to the next (median) is noisy, not measuring. */
    noisyProbeC: knob(0.5),
    /** Without a product probe, product is estimated as air minus this. */
    airOffsetC: knob(1),
    /** Time above the alarm ceiling (outside suppression) before the critical alarm. */
    ceilingConfirmMin: knob(3),
    /** Time back under the limit that ends a pending (not yet raised) above-limit episode. */
    aboveResetMin: knob(5),
    /** Time under limit minus hysteresis before a raised excursion clears. */
    clearHoldMin: knob(5),
    /** Hours fully in limit after which a case's cumulative above-limit time starts from zero. */
    spoilageResetHours: knob(12),
    /**
     * Reordering window: how far behind the store's newest event time a device may still be
     * waited for. Readings arriving later than this behind the rest of the store are late.
     */
    reorderWindowMin: knob(10),
    /**
     * After the gateway restarts, how far past the moment it stopped listening the devices it
     * had heard are waited for without the reordering window, and their silence is not taken
     * as evidence: a weight board holds about an hour of frames, the longest backlog a device
     * delivers after a gateway restart.
     */
    restartCatchUpMin: knob(60),
    /** A probe silent this long (or 5 of its usual intervals, if longer) is "not reporting". */
    probeSilentMin: knob(15),
    /** The same for shelf weight boards and cameras. */
    deviceSilentMin: knob(10),
    /** A device the gateway reports offline is reported after this long (an outage is recognised first). */
    deviceOfflineConfirmMin: knob(3),
    /** For the store-outage check, a scheduled device counts as down after this much silence (or 3 of its intervals). */
    outageSilenceMin: knob(5),
    /** Devices going down within this span of each other share a cause. */
    outageSpanMin: knob(5),
    /** Share of the store's observable devices that must go down together for a store outage. */
    outageFraction: knob(0.7),
    /** The outage ends once fewer than this share are down, for `outageClearHoldMin`. */
    outageClearFraction: knob(0.4),
    outageClearHoldMin: knob(2),
    /** A shelf source (scale channel, camera view) not heard for this long (or 3 of its intervals) no longer speaks for the slot. */
    sourceStaleMin: knob(5),
    /** A controller publishes on change: its last air temperature is trusted this long while it is online. */
    controllerHoldMin: knob(60),
    /** A probe repeating exactly the same value this long, where it should move, is stuck. */
    probeStuckMin: knob(30),
    /** Case air moving this much (compressor cycling does) while an air probe is frozen: stuck. */
    stuckAirMoveC: knob(1),
    /** Fastest change a probe can show, per minute, by placement... */
    maxRateAirCPerMin: knob(10),
    maxRateProductCPerMin: knob(0.5),
    /** ... plus this much for the reading noise. */
    probeNoiseC: knob(0.3),
    /** Window over which a product probe must follow the case air like a product simulant. */
    probeFitWindowMin: knob(90),
    /** Time constants a product simulant may have (a small bottle … a large block). */
    productTauMinMin: knob(30),
    productTauMaxMin: knob(300),
    /** Product may sit this much warmer or colder than the case air at rest (radiant and room heat, placement). */
    productHeatGainC: knob(1),
    /** Beyond this, a product probe does not fit the case. */
    probeFitToleranceC: knob(0.5),
    /** Air swinging this much within the fit window (a defrost, a door left open) tells a product simulant's time constant. */
    fitAirSwingC: knob(3),
    /** A gap in a probe's readings longer than this leaves the air it saw unknown: no fit across it. */
    fitMaxGapMin: knob(10),
    /** An air probe's placement offset from the controller's air explains at most this... */
    disagreeAirC: knob(3),
    /** ... and does not move by more than this within an hour of steady running. */
    probeDriftC: knob(1.5),
    /** The case air level counts as steady when its mean moved less than this between two windows 90 min apart... */
    steadyAirC: knob(0.5),
    /** ... and a product probe moving this much further away from it meanwhile has drifted. */
    probeDriftAwayC: knob(1),
    /** A product probe above its limit and this much above any air of the last two hours is held back at once. */
    disagreeProductC: knob(5),
    /** A faulty probe must show no finding this long (and read as before) before it counts again. */
    probeRecoverMin: knob(30),
    sensorClearHoldMin: knob(5),
    /** Same-supplier SKUs at or below reorder point × this join a replenishment batch. */
    replenishBatchFactor: knob(1.5),
    /** After restoreOpen, how long restored tasks are kept before the rules may clear them. */
    restoreGraceMin: knob(60),
    /** The refrigeration-maintenance warning (refrigeration/tuning.ts); an override replaces the whole group. */
    refrigeration: PlantTuning.prefault({}),
  })
  .strict();
export type RuleTuning = z.infer<typeof RuleTuning>;
