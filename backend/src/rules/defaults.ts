import { defaultPlantTuning, type PlantTuning } from './refrigeration/tuning.js';

/** Cold-chain limits of a case category (store-configurable). */
export interface ColdChainLimits {
  /** Product must be at or below this (chilled: 5 °C; frozen: -18 °C). */
  productLimitC: number;
  /** Air or product above this is an alarm regardless of duration (chilled: 8 °C; frozen: -15 °C). */
  alarmCeilingC: number;
  /** Minutes above productLimitC before a temperature_excursion is raised (outside defrost/door recovery). */
  alarmDelayMin: number;
  /** Minutes after a defrost ends during which the air may still be above limit without an alarm. */
  defrostRecoveryMin: number;
  /** Minutes after a door closes during which the air may still be above limit without an alarm. */
  doorRecoveryMin: number;
  /** A door open longer than this is "door ajar". */
  doorAjarMin: number;
  /** Degrees below productLimitC the temperature must fall before an excursion clears (hysteresis). */
  clearHysteresisC: number;
}

/**
 * Chilled: product at or below 5 °C, 8 °C is the ceiling that alarms at once. Frozen: -18 °C,
 * with the tolerated rise to -15 °C. Delays follow what the cases physically do: a multideck
 * defrost heats the coil and air for up to ~30 min and needs ~20 min to pull down again; a
 * door opening spikes the air for a minute or two and the air is back within ~10 min.
 */
export const defaultLimits: Record<'chilled' | 'frozen', ColdChainLimits> = {
  chilled: {
    productLimitC: 5,
    alarmCeilingC: 8,
    alarmDelayMin: 20,
    defrostRecoveryMin: 20,
    doorRecoveryMin: 10,
    doorAjarMin: 5,
    clearHysteresisC: 1,
  },
  frozen: {
    productLimitC: -18,
    alarmCeilingC: -15,
    alarmDelayMin: 30,
    defrostRecoveryMin: 30,
    doorRecoveryMin: 15,
    doorAjarMin: 3,
    clearHysteresisC: 1,
  },
};

/** Knobs that are not per-category limits; StoreModel.tuning may override any of them. */
export interface RuleTuning {
  /** One stock source alone (the other silent or unsure) must persist this long before out of stock. */
  stockPersistMin: number;
  /** Both stock sources empty this long: out of stock (longer than a shopper holds the last unit). */
  surePersistMin: number;
  /** Weight and camera contradicting each other this long becomes a verify task. */
  verifyPersistMin: number;
  /** ... and agreeing again this long ends it. */
  verifyClearHoldMin: number;
  /** Camera readings below this confidence are ignored (occlusion by shoppers, glare). */
  cameraMinConfidence: number;
  /** One camera gap at this confidence counts at once; below it two consecutive gaps are needed. */
  cameraSureConfidence: number;
  /** Units above the reorder point before low stock clears (weight noise flips ±1 unit). */
  lowStockClearMarginUnits: number;
  /** The scale at or below the reorder point this long before low stock (a unit in a shopper's hand is back sooner). */
  lowStockPersistMin: number;
  /** A slot above its reorder point (but within the margin) this long ends a low-stock task. */
  lowStockClearHoldMin: number;
  /** Wrong product seen with good confidence this long before a planogram violation. */
  wrongProductPersistMin: number;
  /** Fewer facings than planned this long (with stock present) before a planogram violation. */
  facingsPersistMin: number;
  /** A planogram violation ends once the slot has looked right this long (one good scan is not enough). */
  planogramClearHoldMin: number;
  /** Median distance of grams/unitWeight from a whole number that marks a different product. */
  weightResidualLimit: number;
  /** Stable weight samples needed for the weight-per-unit check. */
  weightResidualSamples: number;
  /** Relative accuracy of an installed load cell's calibration (about ±2 % after a field
   *  calibration): n units may read n × this away from a whole number without anything wrong. */
  calibrationTolerance: number;
  /** Door openings in a row with no full recovery between excuse the air at most this long. */
  maxDoorSuppressionMin: number;
  /** A defrost longer than this is stuck: stop suppressing alarms for it. */
  maxDefrostMin: number;
  /** After a defrost the compressor may stay off while the coil drips. */
  defrostDripMin: number;
  /** Compressor off, with air above setpoint + compressorCutInC, this long → refrigeration stopped. */
  compressorFailMin: number;
  compressorCutInC: number;
  /** A probe scattering more than this from one reading to the next (median) is noisy, not measuring. */
  noisyProbeC: number;
  /** Without a product probe, product is estimated as air minus this. */
  airOffsetC: number;
  /** Time above the alarm ceiling (outside suppression) before the critical alarm. */
  ceilingConfirmMin: number;
  /** Time back under the limit that ends a pending (not yet raised) above-limit episode. */
  aboveResetMin: number;
  /** Time under limit minus hysteresis before a raised excursion clears. */
  clearHoldMin: number;
  /** Hours fully in limit after which a case's cumulative above-limit time starts from zero. */
  spoilageResetHours: number;
  /**
   * Reordering window: how far behind the store's newest event time a device may still be
   * waited for. Readings arriving later than this behind the rest of the store are late.
   */
  reorderWindowMin: number;
  /**
   * After the gateway restarts, how far past the moment it stopped listening the devices it
   * had heard are waited for without the reordering window, and their silence is not taken
   * as evidence: a weight board holds about an hour of frames, the longest backlog a device
   * delivers after a gateway restart.
   */
  restartCatchUpMin: number;
  /** A probe silent this long (or 5 of its usual intervals, if longer) is "not reporting". */
  probeSilentMin: number;
  /** The same for shelf weight boards and cameras. */
  deviceSilentMin: number;
  /** A device the gateway reports offline is reported after this long (an outage is recognised first). */
  deviceOfflineConfirmMin: number;
  /** For the store-outage check, a scheduled device counts as down after this much silence (or 3 of its intervals). */
  outageSilenceMin: number;
  /** Devices going down within this span of each other share a cause. */
  outageSpanMin: number;
  /** Share of the store's observable devices that must go down together for a store outage. */
  outageFraction: number;
  /** The outage ends once fewer than this share are down, for `outageClearHoldMin`. */
  outageClearFraction: number;
  outageClearHoldMin: number;
  /** A shelf source (scale channel, camera view) not heard for this long (or 3 of its intervals) no longer speaks for the slot. */
  sourceStaleMin: number;
  /** A controller publishes on change: its last air temperature is trusted this long while it is online. */
  controllerHoldMin: number;
  /** A probe repeating exactly the same value this long, where it should move, is stuck. */
  probeStuckMin: number;
  /** Case air moving this much (compressor cycling does) while an air probe is frozen: stuck. */
  stuckAirMoveC: number;
  /** Fastest change a probe can show, per minute, by placement... */
  maxRateAirCPerMin: number;
  maxRateProductCPerMin: number;
  /** ... plus this much for the reading noise. */
  probeNoiseC: number;
  /** Window over which a product probe must follow the case air like a product simulant. */
  probeFitWindowMin: number;
  /** Time constants a product simulant may have (a small bottle … a large block). */
  productTauMinMin: number;
  productTauMaxMin: number;
  /** Product may sit this much warmer or colder than the case air at rest (radiant and room heat, placement). */
  productHeatGainC: number;
  /** Beyond this, a product probe does not fit the case. */
  probeFitToleranceC: number;
  /** Air swinging this much within the fit window (a defrost, a door left open) tells a product simulant's time constant. */
  fitAirSwingC: number;
  /** A gap in a probe's readings longer than this leaves the air it saw unknown: no fit across it. */
  fitMaxGapMin: number;
  /** An air probe's placement offset from the controller's air explains at most this... */
  disagreeAirC: number;
  /** ... and does not move by more than this within an hour of steady running. */
  probeDriftC: number;
  /** The case air level counts as steady when its mean moved less than this between two windows 90 min apart... */
  steadyAirC: number;
  /** ... and a product probe moving this much further away from it meanwhile has drifted. */
  probeDriftAwayC: number;
  /** A product probe above its limit and this much above any air of the last two hours is held back at once. */
  disagreeProductC: number;
  /** A faulty probe must show no finding this long (and read as before) before it counts again. */
  probeRecoverMin: number;
  sensorClearHoldMin: number;
  /** Same-supplier SKUs at or below reorder point × this join a replenishment batch. */
  replenishBatchFactor: number;
  /** After restoreOpen, how long restored tasks are kept before the rules may clear them. */
  restoreGraceMin: number;
  /** The refrigeration-maintenance warning (refrigeration/tuning.ts); an override replaces the whole group. */
  refrigeration: PlantTuning;
}

export const defaultTuning: RuleTuning = {
  stockPersistMin: 5,
  surePersistMin: 2,
  verifyPersistMin: 10,
  verifyClearHoldMin: 5,
  cameraMinConfidence: 0.6,
  cameraSureConfidence: 0.85,
  lowStockClearMarginUnits: 2,
  lowStockPersistMin: 2,
  lowStockClearHoldMin: 10,
  wrongProductPersistMin: 10,
  facingsPersistMin: 20,
  planogramClearHoldMin: 10,
  weightResidualLimit: 0.2,
  weightResidualSamples: 5,
  calibrationTolerance: 0.02,
  maxDoorSuppressionMin: 30,
  maxDefrostMin: 45,
  defrostDripMin: 10,
  compressorFailMin: 15,
  compressorCutInC: 2,
  noisyProbeC: 0.5,
  airOffsetC: 1,
  ceilingConfirmMin: 3,
  aboveResetMin: 5,
  clearHoldMin: 5,
  spoilageResetHours: 12,
  reorderWindowMin: 10,
  restartCatchUpMin: 60,
  probeSilentMin: 15,
  deviceSilentMin: 10,
  deviceOfflineConfirmMin: 3,
  outageSilenceMin: 5,
  outageSpanMin: 5,
  outageFraction: 0.7,
  outageClearFraction: 0.4,
  outageClearHoldMin: 2,
  sourceStaleMin: 5,
  controllerHoldMin: 60,
  probeStuckMin: 30,
  stuckAirMoveC: 1,
  maxRateAirCPerMin: 10,
  maxRateProductCPerMin: 0.5,
  probeNoiseC: 0.3,
  probeFitWindowMin: 90,
  productTauMinMin: 30,
  productTauMaxMin: 300,
  productHeatGainC: 1,
  probeFitToleranceC: 0.5,
  fitAirSwingC: 3,
  fitMaxGapMin: 10,
  disagreeAirC: 3,
  probeDriftC: 1.5,
  steadyAirC: 0.5,
  probeDriftAwayC: 1,
  disagreeProductC: 5,
  probeRecoverMin: 30,
  sensorClearHoldMin: 5,
  replenishBatchFactor: 1.5,
  restoreGraceMin: 60,
  refrigeration: defaultPlantTuning,
};
