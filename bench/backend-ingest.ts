import type { Reading } from '@shelfwatch/contracts';
import { GATEWAY_ID, TOKENS, type Stack } from './stack.js';

/** What the gateway's backend sink sends per request at most. */
const BATCH = 500;

/** POST /api/v1/ingest bodies in the gateway's batch size, each reading passed through `relabel` first. */
export function ingestBodies(gatewayId: string, readings: readonly Reading[], relabel: (r: Reading) => Reading): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < readings.length; i += BATCH) bodies.push(JSON.stringify({ gatewayId, readings: readings.slice(i, i + BATCH).map(relabel) }));
  return bodies;
}

/** Posts the bodies one after the other, one request in flight, as a gateway's backend sink does. */
export async function postIngest(url: string, token: string, bodies: readonly string[]): Promise<void> {
  for (const body of bodies) {
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    if (!res.ok) throw new Error(`ingest ${res.status}: ${(await res.text()).slice(0, 500)}`);
  }
}

/**
 * Readings/s the backend's ingest + rules sustain on what a store's gateway really forwards:
 * the peak-hour stream (forward-rate.ts) posted to POST /api/v1/ingest in the gateway's
 * batch size, one request in flight, so the single backend process (one core) is the limit.
 * Event times are moved as a block to end just now (the backend bounds event time against
 * its own clock), keeping every gap between readings; ids get a suffix so each run is new.
 */
export async function backendIngestRate(stack: Stack, forwarded: readonly Reading[], run: number): Promise<number> {
  const shift = Date.now() - 1_000 - (forwarded.at(-1)?.ts ?? 0);
  const bodies = ingestBodies(GATEWAY_ID, forwarded, (r) => ({ ...r, id: `${r.id}~${run}`, ts: r.ts + shift }));
  // The first fifth warms up (JIT, the first rule state of every slot, case and probe); the rest is timed.
  const warmup = Math.max(1, Math.floor(bodies.length / 5));
  await postIngest(stack.backendUrl, TOKENS.gateway, bodies.slice(0, warmup));
  const started = performance.now();
  await postIngest(stack.backendUrl, TOKENS.gateway, bodies.slice(warmup));
  const timed = forwarded.length - warmup * BATCH;
  return timed / ((performance.now() - started) / 1000);
}
