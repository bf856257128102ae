export type SeqEvent =
  | { kind: 'first' }
  | { kind: 'next' }
  | { kind: 'gap'; missing: number }
  | { kind: 'duplicate' }
  | { kind: 'reset' };

const HALF = 2 ** 31;

/**
 * Follows a board's uint32 frame sequence. Forward jumps of less than 2^31 (mod 2^32, so
 * the wrap from 4294967295 to 0 is "next") are gaps; a backward jump is a board reboot.
 */
export class SeqTracker {
  private last: number | undefined;

  observe(seq: number): SeqEvent {
    const last = this.last;
    if (last === undefined) {
      this.last = seq;
      return { kind: 'first' };
    }
    if (seq === last) return { kind: 'duplicate' };
    const ahead = (seq - last + 2 ** 32) % 2 ** 32;
    this.last = seq;
    if (ahead === 1) return { kind: 'next' };
    if (ahead < HALF) return { kind: 'gap', missing: ahead - 1 };
    return { kind: 'reset' };
  }
}
