/**
 * Shopper demand over the day. A curve of 24 hourly weights (relative, local store time)
 * shapes each SKU's daily units into a Poisson rate; rush events multiply it.
 */
export const DEFAULT_DEMAND_CURVE: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0, 0.4, 0.7, 0.8, 0.9, 1.1, 1.5, 1.3, 0.9, 0.9, 1.2, 1.7, 1.9, 1.5, 1.0, 0.6, 0.3, 0,
];

/** Mean arrivals per second for a SKU selling unitsPerDay, at the given local hour. */
export function demandRatePerS(unitsPerDay: number, curve: readonly number[], localHour: number, multiplier = 1): number {
  const total = curve.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const weight = curve[Math.floor(localHour) % 24] ?? 0;
  // weight/total of the day's units fall in this hour.
  return (unitsPerDay * (weight / total) * multiplier) / 3600;
}
