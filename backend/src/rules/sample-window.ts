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
}
