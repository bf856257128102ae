import type { ColdChainLimits } from '../rules/types.js';

/**
 * Used only when the rules package provides no defaultLimits (an injected engine in
 * tests). Values follow the issue: chilled product ≤ 5 °C with an 8 °C ceiling, frozen
 * ≤ -18 °C tolerating a rise to -15 °C.
 */
export const FALLBACK_LIMITS: Record<'chilled' | 'frozen', ColdChainLimits> = {
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
    doorRecoveryMin: 10,
    doorAjarMin: 3,
    clearHysteresisC: 1,
  },
};
