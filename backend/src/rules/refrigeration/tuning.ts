/**
 * Knobs of the refrigeration-maintenance warning (RuleTuning.refrigeration). Each is a property
 * of refrigerated cases and their plant, not a value fitted to a scenario; see the rules README,
 * "Refrigeration maintenance".
 */
export interface PlantTuning {
  /**
   * Hours of a case's own history its normal is learned from. A restart rebuilds it from the
   * readings replayed (backend `replayHours`, 26 h by default), so a longer memory needs both.
   */
  normalWindowH: number;
  /** The recent behaviour judged against the normal: the last `recentCycles` clean cycles within recentWindowH. */
  recentWindowH: number;
  recentCycles: number;
  /** No judgement before the normal has this many clean compressor cycles spread over this many hours. */
  minNormalCycles: number;
  minNormalSpanH: number;
  /** Clean cycles the recent window needs before it is compared. */
  minRecentCycles: number;
  /** Recent cooling capacity (cycles or pull-downs) at or below this share of its normal is a finding. */
  capacityWarnShare: number;
  /**
   * A cycle with doors open longer than this share of it is not used. Shoppers' openings come at
   * random, so they add heat to the off and the running phase alike and the capacity estimate
   * (rise + fall) stays true; a restock through open doors, a door held open, is one long load in
   * one phase and is not.
   */
  maxDoorShare: number;
  /** A compressor that cannot keep up while doors were open longer than this share of its run is the doors' doing, not the plant's. */
  continuousDoorShare: number;
  /** A cycle swinging more than this, or with a phase longer than maxPhaseMin, is a pull-down from a warm case (power back, a repair), not a cycle. */
  maxCycleSwingC: number;
  maxPhaseMin: number;
  /** Compressor running without a stop for at least this long (and continuousRunFactor × its normal run) while the air rises is a finding. */
  continuousRunMin: number;
  continuousRunFactor: number;
  /** "The air rises": at least this much above its lowest since the compressor started. */
  airRiseC: number;
  /**
   * Pull-downs after a defrost: the last `recentSlowPullDowns` all at or below capacityWarnShare of
   * the normal (≥ minNormalPullDowns earlier ones, kept pullDownHistoryH) are a finding.
   */
  minNormalPullDowns: number;
  recentSlowPullDowns: number;
  pullDownHistoryH: number;
  /** A finding must hold this long before the task is raised. */
  confirmMin: number;
  /** The task clears after this long with no finding. */
  clearAfterH: number;
}

export const defaultPlantTuning: PlantTuning = {
  normalWindowH: 24,
  recentWindowH: 3,
  recentCycles: 6,
  minNormalCycles: 12,
  minNormalSpanH: 6,
  minRecentCycles: 3,
  capacityWarnShare: 0.75,
  maxDoorShare: 0.05,
  continuousDoorShare: 0.05,
  maxCycleSwingC: 4,
  maxPhaseMin: 120,
  continuousRunMin: 45,
  continuousRunFactor: 3,
  airRiseC: 0.5,
  minNormalPullDowns: 3,
  recentSlowPullDowns: 2,
  pullDownHistoryH: 72,
  confirmMin: 20,
  clearAfterH: 6,
};
