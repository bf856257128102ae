import type { Reading } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { deviceStatusReading } from '../../src/inputs/device-status.js';
import { LastHeard } from '../../src/inputs/last-heard.js';

const probe = (ts: number, seq: number): Reading => ({
  kind: 'probe.temperature',
  id: `probe-1:${seq}`,
  storeId: 'store-1',
  deviceId: 'probe-1',
  ts,
  caseId: 'case-1',
  placement: 'air',
  tempC: 3.1,
  fault: null,
  batteryPct: 90,
  rssiDbm: -60,
});
const status = (online: boolean, ts: number, detail: string) => deviceStatusReading({ storeId: 'store-1', deviceId: 'probe-1', deviceKind: 'probe', online, ts, detail });

describe('LastHeard', () => {
  it('falls back to the wall clock for a device never heard, then follows its newest event time', () => {
    const heard = new LastHeard();
    expect(heard.known('probe-1')).toBe(false);
    expect(heard.lastHeard('probe-1', 5_000)).toBe(5_000);
    heard.observe('probe-1', 42_000);
    heard.observe('probe-1', 41_000); // an older, late reading does not move it back
    expect(heard.lastHeard('probe-1', 99_999_999)).toBe(42_000);
  });

  it('dates a last will (written at connect time) at the time the device was last heard', () => {
    const heard = new LastHeard();
    const connectedAt = 1_000_000;
    const [will] = heard.track([probe(connectedAt + 60_000, 1), probe(connectedAt + 120_000, 2), status(false, connectedAt, 'lwt')]).slice(2);
    expect(will).toEqual(status(false, connectedAt + 120_000, 'lwt: last heard'));
    expect(will!.id).toBe(`probe-1:status:${connectedAt + 120_000}:0`);
  });

  it('leaves statuses the device dated itself alone, and a will of a device that never sent data', () => {
    const heard = new LastHeard();
    expect(heard.track([status(false, 7_000, 'lwt')])).toEqual([status(false, 7_000, 'lwt')]);
    heard.track([probe(10_000, 1)]);
    const own = [status(false, 12_000, 'shutdown'), status(true, 9_000, 'boot')];
    expect(heard.track(own)).toEqual(own);
  });
});
