/**
 * When will a slot run empty? Sales arrive at random (Poisson) at a rate that is itself only
 * estimated (a Gamma belief: `shape` sales seen over `exposure` hours of normal trading). Over
 * `x` more hours of trading the number of sales is then negative-binomial, and the slot is
 * empty once `units` of them have happened. Both kinds of doubt (which rate, and chance) are
 * in the answer: with few sales behind the rate, the quantiles spread out.
 *
 * Time is measured in "trading hours": an hour at the store's average intensity. The caller
 * maps them to clock time with the store's time-of-day pattern.
 */
export interface RateBelief {
  /** Sales behind the estimate (weighted; may be fractional). */
  shape: number;
  /** Trading hours they were observed over. */
  exposureH: number;
}

/** Probability that at least `units` sales happen within `x` trading hours. */
export function probEmptyWithin(units: number, belief: RateBelief, x: number): number {
  if (units <= 0) return 1;
  if (x <= 0) return 0;
  const { shape, exposureH } = belief;
  const q = x / (exposureH + x);
  // P(N = 0) = (β/(β+x))^α, then the recurrence of the negative binomial.
  let pk = Math.exp(shape * Math.log(exposureH / (exposureH + x)));
  let below = pk;
  for (let k = 0; k < units - 1; k += 1) {
    pk *= ((k + shape) / (k + 1)) * q;
    below += pk;
  }
  return Math.min(1, Math.max(0, 1 - below));
}

/**
 * Trading hours until the slot is empty with probability `p` (null beyond `maxX`). Bisection:
 * the probability only grows with time.
 */
export function tradingHoursToEmpty(units: number, belief: RateBelief, p: number, maxX: number): number | null {
  if (units <= 0) return 0;
  if (belief.shape <= 0 || belief.exposureH <= 0) return null;
  if (probEmptyWithin(units, belief, maxX) < p) return null;
  let lo = 0;
  let hi = maxX;
  for (let i = 0; i < 50 && hi - lo > 1e-4; i += 1) {
    const mid = (lo + hi) / 2;
    if (probEmptyWithin(units, belief, mid) >= p) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Expected sales per trading hour. */
export function meanRate(belief: RateBelief): number {
  return belief.exposureH > 0 ? belief.shape / belief.exposureH : 0;
}
