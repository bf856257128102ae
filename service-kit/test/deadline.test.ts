import { describe, expect, it } from 'vitest';
import { withDeadline } from '../src/deadline.js';

/** Work that ignores its signal and never settles: what a client that misses an abort looks like. */
const deaf = () => new Promise<never>(() => {});

describe('withDeadline', () => {
  it('returns what the work returns, and hands it a live signal', async () => {
    await expect(withDeadline(async (signal) => (signal.aborted ? 'aborted' : 'ok'), { timeoutMs: 60_000 })).resolves.toBe('ok');
  });

  it("ends work that ignores the caller's abort, with the caller's reason", async () => {
    const caller = new AbortController();
    const call = withDeadline(deaf, { signal: caller.signal, timeoutMs: 60_000 });
    caller.abort(new Error('stopping'));
    await expect(call).rejects.toThrow('stopping');
  });

  it('ends work that ignores its timeout', async () => {
    await expect(withDeadline(deaf, { timeoutMs: 10 })).rejects.toThrow('no answer within 10 ms');
  });

  it('does not start waiting when the caller has already aborted', async () => {
    const caller = new AbortController();
    caller.abort(new Error('stopped'));
    let sawAbort = false;
    await expect(withDeadline(async (signal) => { sawAbort = signal.aborted; return deaf(); }, { signal: caller.signal, timeoutMs: 60_000 })).rejects.toThrow('stopped');
    expect(sawAbort).toBe(true);
  });
});
