import { fmtDuration, fmtTime } from '../rules/format.js';
import type { RuleDecision } from '../rules/types.js';

export interface StoreSilence {
  storeId: string;
  /** Backend (wall) time since the store's last reading arrived. */
  silentForMs: number;
  /** The store's newest event time. */
  lastEventTs: number;
  /** Time to date the decision with (the store's clock for human actions). */
  at: number;
  thresholdMs: number;
  /** Whether the gateway task is open now. */
  open: boolean;
  /** Whether the rules already report a store outage (then this would be a second task for it). */
  outageOpen: boolean;
}

/** The wall-clock store task's key: kept out of what the evaluation scores. */
export const gatewayKey = (storeId: string) => `gateway:${storeId}`;

/**
 * A store from which nothing arrives cannot move in event time, so no rule can notice that it
 * went quiet. This is the one deliberate wall-clock judgement: no reading from the store for
 * `thresholdMs` of the backend's clock is "no data from the store" (gateway down, backhaul down,
 * power cut with the gateway), unless the rules already hold a store outage. It ends with the
 * next reading. It is about the link, not the shop floor, and is kept out of what is scored.
 */
export function storeSilenceDecision(s: StoreSilence): RuleDecision | null {
  if (s.silentForMs < s.thresholdMs) {
    return s.open ? { type: 'clear', at: s.at, storeId: s.storeId, kind: 'sensor_fault', locationKey: gatewayKey(s.storeId), reason: 'Readings from the store arrive again' } : null;
  }
  if (s.open || s.outageOpen) return null;
  const text = `No reading from store ${s.storeId} has reached ShelfWatch for ${fmtDuration(s.silentForMs)} (newest event time ${fmtTime(s.lastEventTs)})`;
  return {
    type: 'assert',
    at: s.at,
    condition: {
      storeId: s.storeId, kind: 'sensor_fault', locationKey: gatewayKey(s.storeId), severity: 'critical',
      location: { label: `Store ${s.storeId}: gateway and network` },
      title: 'No data from the store',
      action: 'Check the ShelfWatch gateway and the store’s internet connection. Until data flows again no shelf or case alarm can be raised: check refrigerated cases by hand.',
      reason: `${text}: the gateway, its network link or the store’s power is down. Readings the gateway kept are judged when they arrive.`,
      evidence: [{ ts: s.lastEventTs, text }],
      products: [],
    },
  };
}
