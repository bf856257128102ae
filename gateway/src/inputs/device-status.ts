import { readingId, type Reading, type ReadingOf } from '@shelfwatch/contracts';

export function deviceStatusReading(options: { storeId: string; deviceId: string; deviceKind: ReadingOf<'device.status'>['deviceKind']; online: boolean; ts: number; detail: string }): Reading {
  return {
    kind: 'device.status',
    id: readingId.status(options.deviceId, options.ts, options.online),
    storeId: options.storeId,
    deviceId: options.deviceId,
    ts: options.ts,
    deviceKind: options.deviceKind,
    online: options.online,
    detail: options.detail.slice(0, 200),
  };
}
