export interface Sample {
  ts: number;
  v: number;
}

/** A short time-bounded history of one signal (kept to `spanMs` behind its newest sample). */
export class SampleWindow {
  private samples: Sample[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  push(ts: number, v: number): void {
    this.samples.push({ ts, v });
    const cutoff = ts - this.spanMs;
    while (this.head < this.samples.length && (this.samples[this.head]?.ts ?? ts) < cutoff) this.head += 1;
    // Compact now and then rather than shifting the array on every push.
    if (this.head > 256 && this.head * 2 > this.samples.length) {
      this.samples = this.samples.slice(this.head);
      this.head = 0;
    }
  }

  since(fromTs: number): Sample[] {
    let lo = this.head;
    let hi = this.samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.samples[mid]?.ts ?? 0) < fromTs) lo = mid + 1;
      else hi = mid;
    }
    return this.samples.slice(lo);
  }

  /** Samples from `fromTs` on, preceded by the one in force at `fromTs` (a value holds until the next). */
  held(fromTs: number): Sample[] {
    const from = this.since(fromTs);
    const firstIdx = this.samples.length - from.length;
    const before = firstIdx > this.head ? this.samples[firstIdx - 1] : undefined;
    return before ? [before, ...from] : from;
  }

  latest(): Sample | undefined {
    return this.samples.length > this.head ? this.samples[this.samples.length - 1] : undefined;
  }

  static range(samples: Sample[]): number {
    if (samples.length === 0) return 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of samples) {
      lo = Math.min(lo, s.v);
      hi = Math.max(hi, s.v);
    }
    return hi - lo;
  }

  static mean(samples: Sample[]): number {
    return samples.reduce((a, s) => a + s.v, 0) / Math.max(1, samples.length);
  }

  static median(values: number[]): number | null {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }

  /**
   * ∫ f(a, b) dt over [from, to], in minutes, for two held signals (each sorted, each value
   * holding until its next sample); only where both have a value. One pass over both.
   */
  static integrate(a: Sample[], b: Sample[], from: number, to: number, f: (a: number, b: number) => number): number {
    let i = 0;
    let j = 0;
    let av: number | null = null;
    let bv: number | null = null;
    let t = -Infinity;
    let total = 0;
    for (;;) {
      const next = Math.min(a[i]?.ts ?? Infinity, b[j]?.ts ?? Infinity, to);
      const lo = Math.max(t, from);
      if (av !== null && bv !== null && next > lo) total += f(av, bv) * ((next - lo) / 60_000);
      if (next >= to) return total;
      t = next;
      while (a[i] !== undefined && a[i]!.ts === next) av = a[i++]!.v;
      while (b[j] !== undefined && b[j]!.ts === next) bv = b[j++]!.v;
    }
  }

  /** For each sample of `own`, the value of the held signal `ref` at that time (null before ref starts). */
  static pair(own: Sample[], ref: Sample[]): { ts: number; own: number; ref: number }[] {
    const out: { ts: number; own: number; ref: number }[] = [];
    let j = 0;
    let rv: number | null = null;
    for (const s of own) {
      while (ref[j] !== undefined && ref[j]!.ts <= s.ts) rv = ref[j++]!.v;
      if (rv !== null) out.push({ ts: s.ts, own: s.v, ref: rv });
    }
    return out;
  }
}
