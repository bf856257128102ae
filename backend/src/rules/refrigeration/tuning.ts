import { z } from 'zod';
import { knob } from '../knob.js';

/**
 * Knobs of the refrigeration-maintenance warning (RuleTuning.refrigeration). Each is a property
 * of refrigerated cases and their plant, not a value fitted to a scenario; see the rules README,
 * "Refrigeration maintenance". The defaults are in the schema.
 */
export const PlantTuning = z
  .object({
    /**
     * Hours of a case's own history its normal is learned from. A restart rebuilds it from the
     * readings replayed (backend `replayHours`, 26 h by default), so a longer memory needs both.
     */
    normalWindowH: knob(24),
    /** The recent behaviour judged against the normal: the last `recentCycles` clean cycles within recentWindowH. */
    recentWindowH: knob(3),
    recentCycles: knob(6),
    /** No judgement before the normal has this many clean compressor cycles spread over this many hours. */
    minNormalCycles: knob(12),
    minNormalSpanH: knob(6),
    /** Clean cycles the recent window needs before it is compared. */
    minRecentCycles: knob(3),
    /** Recent cooling capacity (cycles or pull-downs) at or below this share of its normal is a finding. */
    capacityWarnShare: knob(0.75),
    /**
     * A cycle with doors open longer than this share of it is not used while the case's door heat is
     * not learned: rise + fall is the capacity only when the openings fall evenly on both phases.
     */
    maxDoorShare: knob(0.05),
    /**
     * The door heat (door-heat.ts) is learned from the normal cycles once at least
     * minNormalDoorCycles of them had a door opened. Then cycles with doors open up to
     * maxModelledDoorShare are used: shoppers' openings, a busy hour, a door rush. Beyond it the
     * doors are being held open (restocking through them): the air is mostly the store's and warm
     * product comes in, heat the door model does not know.
     */
    minNormalDoorCycles: knob(3),
    maxModelledDoorShare: knob(0.2),
    /**
     * Largest door gain searched: an open glass door lets in a few tens of times the closed case's
     * heat leak (air spills out at the bottom and store air comes in), never hundreds.
     */
    maxDoorGain: knob(50),
    /**
     * A compressor still running after openRunFactor × its normal run (no longer one of its usual
     * runs) and at least minOpenRunMin (so 0.1 °C readings give its fall rate to a few tenths of
     * °C/h) is judged on the run so far, its door heat included, so a busy hour is no finding:
     * its fall rate plus the heat coming in is the capacity it is running with. A plant that can no
     * longer reach its cut-out shows nothing else: no cycle completes.
     */
    openRunFactor: knob(2),
    minOpenRunMin: knob(15),
    /** A compressor that cannot keep up while doors were open longer than this share of its run is the doors' doing, not the plant's. */
    continuousDoorShare: knob(0.05),
    /** A cycle swinging more than this, or with a phase longer than maxPhaseMin, is a pull-down from a warm case (power back, a repair), not a cycle. */
    maxCycleSwingC: knob(4),
    maxPhaseMin: knob(120),
    /** Compressor running without a stop for at least this long (and continuousRunFactor × its normal run) while the air rises is a finding. */
    continuousRunMin: knob(45),
    continuousRunFactor: knob(3),
    /** "The air rises": at least this much above its lowest since the compressor started. */
    airRiseC: knob(0.5),
    /**
     * Pull-downs after a defrost: the last `recentSlowPullDowns` all at or below capacityWarnShare of
     * the normal (≥ minNormalPullDowns earlier ones, kept pullDownHistoryH) are a finding.
     */
    minNormalPullDowns: knob(3),
    recentSlowPullDowns: knob(2),
    pullDownHistoryH: knob(72),
    /** A finding must hold this long before the task is raised. */
    confirmMin: knob(20),
    /** The task clears after this long with no finding. */
    clearAfterH: knob(6),
  })
  .strict();
export type PlantTuning = z.infer<typeof PlantTuning>;
