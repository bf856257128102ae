/**
 * Cold-chain limits drawn on the temperature panels. They mirror the rules' defaults
 * (backend/src/rules/defaults.ts): chilled product at or below 5 °C with an 8 °C ceiling,
 * frozen at or below -18 °C with a tolerated rise to -15 °C. Both pairs are drawn on every
 * case panel: the y axis follows the data, so a chilled case shows 5/8 and a frozen one
 * -18/-15.
 */
/** A case's cooling capacity at or below this share of its own normal raises a refrigeration-maintenance task (the rules' capacityWarnShare). */
export const PLANT_WARN_PCT = 75;

export const LIMITS = {
  chilled: { limitC: 5, ceilingC: 8 },
  frozen: { limitC: -18, ceilingC: -15 },
} as const;
