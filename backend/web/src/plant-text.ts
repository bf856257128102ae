import type { PlantView } from '@shelfwatch/contracts';

const pct = (n: number) => `${Math.round(n)} %`;

/**
 * The case's refrigeration against its own normal, for the cold-chain card: "Compressor on
 * 72 % of the time (normal 54 %) · cooling capacity 74 % of normal". A technician reads the
 * same figures in the maintenance task's evidence.
 */
export function plantText(p: PlantView): string {
  if (p.normalDutyPct === null) return 'Refrigeration: still learning this case’s normal';
  const duty = p.dutyPct === null ? 'Compressor: no complete cycle lately' : `Compressor on ${pct(p.dutyPct)} of the time`;
  const capacity = p.capacityPctOfNormal === null ? '' : ` · cooling capacity ${pct(p.capacityPctOfNormal)} of normal`;
  return `${duty} (normal ${pct(p.normalDutyPct)})${capacity}`;
}
