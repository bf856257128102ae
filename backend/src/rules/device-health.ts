import type { ConditionLatch } from './condition-latch.js';
import { fmtTime } from './format.js';
import type { StoreIndex } from './store-index.js';
import type { RuleDecision } from './types.js';

/** Shelf weight boards and cameras announcing offline (retained status / last will). */
export function shelfDeviceStatus(
  ctx: { index: StoreIndex; latch: ConditionLatch },
  device: { id: string; kind: 'weight_board' | 'camera' },
  online: boolean,
  ts: number,
  detail: string,
): RuleDecision[] {
  const { index, latch } = ctx;
  const key = `device:${device.id}`;
  const what = device.kind === 'weight_board' ? 'Shelf weight board' : 'Shelf camera';
  if (online) return latch.clear(ts, index.storeId, 'sensor_fault', key, `${what} ${device.id} is back online`);
  const shelf = device.kind === 'weight_board' ? index.boards.get(device.id) : undefined;
  const where = shelf ? `aisle ${shelf.aisle}, shelf ${shelf.id}` : `camera ${device.id}`;
  const text = `${what} ${device.id} (${where}) went offline at ${fmtTime(ts)}${detail ? ` (${detail})` : ''}`;
  return latch.assert(ts, {
    storeId: index.storeId, kind: 'sensor_fault', locationKey: key, severity: 'warning',
    location: { ...(shelf ? { aisle: shelf.aisle, shelfId: shelf.id } : {}), label: `${what} ${device.id} (${where})` },
    title: `${what} offline`,
    action: 'Check the device’s power and cable or network; stock for its slots is judged by the other sensor meanwhile.',
    reason: text,
    evidence: [{ ts, text }],
    products: [],
  });
}
