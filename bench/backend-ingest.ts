import type { Reading, StoreLayout } from '@shelfwatch/contracts';
import { GATEWAY_ID, TOKENS, type Stack } from './stack.js';

/**
 * Readings/s the backend's ingest + rules sustain: POST /api/v1/ingest batches of 5,000
 * large-store weight readings (every slot, stable, in stock), one batch in flight, so the
 * single Node.js process (one core) is the limit.
 */
export async function backendIngestRate(stack: Stack, layout: StoreLayout, batches: number): Promise<number> {
  const slots = layout.shelves.flatMap((shelf) => shelf.slots.map((slot) => ({ shelf, slot })));
  const t0 = Date.now();
  let seq = 0;
  const batch = (): Reading[] => {
    const readings: Reading[] = [];
    const s = seq++;
    for (let i = 0; i < 5_000; i++) {
      const { shelf, slot } = slots[i % slots.length]!;
      readings.push({
        id: `${shelf.boardId}:${t0}:${s}:ch${slot.channel}`,
        storeId: layout.store.id,
        deviceId: shelf.boardId,
        ts: t0 + s * 500,
        kind: 'shelf.weight',
        shelfId: shelf.id,
        slotId: slot.id,
        sku: slot.sku,
        channel: slot.channel,
        rawCounts: 100_000,
        grams: 1_000,
        units: slot.capacity,
        stable: true,
        fault: null,
      });
    }
    return readings;
  };
  const bodies = Array.from({ length: batches }, () => JSON.stringify({ gatewayId: GATEWAY_ID, readings: batch() }));
  const post = async (body: string) => {
    const res = await fetch(`${stack.backendUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.gateway}`, 'content-type': 'application/json' },
      body,
    });
    if (!res.ok) throw new Error(`ingest ${res.status}: ${(await res.text()).slice(0, 500)}`);
  };
  await post(bodies[0]!); // warm-up (JIT, first rule state per slot)
  const started = performance.now();
  for (const body of bodies.slice(1)) await post(body);
  return ((bodies.length - 1) * 5_000) / ((performance.now() - started) / 1000);
}
