import { describe, expect, it } from 'vitest';
import { SeqTracker } from '../../../src/inputs/serial/seq-tracker.js';

describe('SeqTracker', () => {
  it('follows consecutive frames, gaps, duplicates and resets', () => {
    const t = new SeqTracker();
    expect(t.observe(10)).toEqual({ kind: 'first' });
    expect(t.observe(11)).toEqual({ kind: 'next' });
    expect(t.observe(11)).toEqual({ kind: 'duplicate' });
    expect(t.observe(15)).toEqual({ kind: 'gap', missing: 3 });
    expect(t.observe(0)).toEqual({ kind: 'reset' });
  });

  it('treats the uint32 wrap as the next frame, and a gap across it as a gap', () => {
    const t = new SeqTracker();
    t.observe(0xffff_fffe);
    expect(t.observe(0xffff_ffff)).toEqual({ kind: 'next' });
    expect(t.observe(0)).toEqual({ kind: 'next' });
    const u = new SeqTracker();
    u.observe(0xffff_fffe);
    expect(u.observe(2)).toEqual({ kind: 'gap', missing: 3 });
  });
});
