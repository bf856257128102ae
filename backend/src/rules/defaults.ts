import type { ColdChainLimits } from './types.js';

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
  /** Weight and camera contradicting each other this long becomes a verify task. */
  verifyPersistMin: number;
  /** Camera readings below this confidence are ignored (occlusion by shoppers, glare). */
  cameraMinConfidence: number;
  /** One camera gap at this confidence counts at once; below it two consecutive gaps are needed. */
  cameraSureConfidence: number;
  /** Units above the reorder point before low stock clears (weight noise flips ±1 unit). */
  lowStockClearMarginUnits: number;
  /** Wrong product seen with good confidence this long before a planogram violation. */
  wrongProductPersistMin: number;
  /** Fewer facings than planned this long (with stock present) before a planogram violation. */
  facingsPersistMin: number;
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
  probeSilentMin: number;
  controllerSilentMin: number;
  probeStuckMin: number;
  jumpClearMin: number;
  maxRateAirCPerMin: number;
  maxRateProductCPerMin: number;
  disagreeWindowMin: number;
  disagreeAirC: number;
  disagreeProductC: number;
  sensorClearHoldMin: number;
  /** Same-supplier SKUs at or below reorder point × this join a replenishment batch. */
  replenishBatchFactor: number;
  /** After restoreOpen, how long restored tasks are kept before the rules may clear them. */
  restoreGraceMin: number;
}

export const defaultTuning: RuleTuning = {
  stockPersistMin: 5,
  verifyPersistMin: 10,
  cameraMinConfidence: 0.6,
  cameraSureConfidence: 0.85,
  lowStockClearMarginUnits: 2,
  wrongProductPersistMin: 10,
  facingsPersistMin: 20,
  weightResidualLimit: 0.2,
  weightResidualSamples: 5,
  calibrationTolerance: 0.02,
  maxDoorSuppressionMin: 30,
  maxDefrostMin: 45,
  defrostDripMin: 10,
  compressorFailMin: 15,
  compressorCutInC: 2,
  airOffsetC: 1,
  ceilingConfirmMin: 3,
  aboveResetMin: 5,
  clearHoldMin: 5,
  spoilageResetHours: 12,
  probeSilentMin: 15,
  controllerSilentMin: 30,
  probeStuckMin: 60,
  jumpClearMin: 60,
  maxRateAirCPerMin: 10,
  maxRateProductCPerMin: 2,
  disagreeWindowMin: 45,
  disagreeAirC: 3,
  disagreeProductC: 5,
  sensorClearHoldMin: 5,
  replenishBatchFactor: 1.5,
  restoreGraceMin: 60,
};
