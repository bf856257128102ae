/**
 * Runs `work` (an HTTP call and the reading of its answer) under one signal that aborts when the
 * caller's signal does or after `timeoutMs`, and ends it then even if the work misses the abort:
 * a stopping service must never wait on a silent server. One controller per call, held until the
 * work is done, instead of AbortSignal.any/timeout compositions whose abort Node 20 has been seen
 * not to deliver to a pending fetch (a backend hung on stop, 1 run in 4).
 */
export async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, options: { signal?: AbortSignal; timeoutMs: number }): Promise<T> {
  const { signal, timeoutMs } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => controller.abort(signal?.reason ?? new Error('aborted'));
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason as Error);
    else controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
  });
  try {
    return await Promise.race([work(controller.signal), aborted]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
