import { RuleTuning, type ColdChainLimits } from './limits-schema.js';

export type { ColdChainLimits, RuleTuning } from './limits-schema.js';

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

export const defaultTuning: RuleTuning = RuleTuning.parse({});
