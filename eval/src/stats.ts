/** Median of a set, null when empty (never NaN). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function max(values: readonly number[]): number | null {
  // reduce, not Math.max(...values): a week of a large store has too many for the call stack.
  return values.length === 0 ? null : values.reduce((a, b) => (b > a ? b : a), -Infinity);
}

/** num / den, null when the denominator is zero (a ratio of nothing is unknown, not 0 or NaN). */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}
