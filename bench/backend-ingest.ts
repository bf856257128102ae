import type { Reading } from '@shelfwatch/contracts';
import { GATEWAY_ID, TOKENS, type Stack } from './stack.js';

/** What the gateway's backend sink sends per request at most. */
const BATCH = 500;

/**
 * Readings/s the backend's ingest + rules sustain on what a store's gateway really forwards:
 * the peak-hour stream (forward-rate.ts) posted to POST /api/v1/ingest in the gateway's
 * batch size, one request in flight, so the single backend process (one core) is the limit.
 * Event times are moved as a block to end just now (the backend bounds event time against
 * its own clock), keeping every gap between readings; ids get a suffix so each run is new.
 */
export async function backendIngestRate(stack: Stack, forwarded: readonly Reading[], run: number): Promise<number> {
  const shift = Date.now() - 1_000 - (forwarded.at(-1)?.ts ?? 0);
  const bodies: string[] = [];
  for (let i = 0; i < forwarded.length; i += BATCH) {
    const readings = forwarded.slice(i, i + BATCH).map((r) => ({ ...r, id: `${r.id}~${run}`, ts: r.ts + shift }));
    bodies.push(JSON.stringify({ gatewayId: GATEWAY_ID, readings }));
  }
  const post = async (body: string) => {
    const res = await fetch(`${stack.backendUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.gateway}`, 'content-type': 'application/json' },
      body,
    });
    if (!res.ok) throw new Error(`ingest ${res.status}: ${(await res.text()).slice(0, 500)}`);
  };
  // The first fifth warms up (JIT, the first rule state of every slot, case and probe); the rest is timed.
  const warmup = Math.max(1, Math.floor(bodies.length / 5));
  for (const body of bodies.slice(0, warmup)) await post(body);
  const started = performance.now();
  for (const body of bodies.slice(warmup)) await post(body);
  const timed = forwarded.length - warmup * BATCH;
  return timed / ((performance.now() - started) / 1000);
}
