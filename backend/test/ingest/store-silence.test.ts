import { describe, expect, it } from 'vitest';
import { gatewayKey, storeSilenceDecision, type StoreSilence } from '../../src/ingest/store-silence.js';

const MIN = 60_000;
const base: StoreSilence = { storeId: 'store-1', silentForMs: 0, lastEventTs: Date.UTC(2026, 0, 5, 8, 0), at: Date.UTC(2026, 0, 5, 8, 6), thresholdMs: 5 * MIN, open: false, outageOpen: false };

describe('no data from the store (on the backend’s clock)', () => {
  it('asserts one store-level task once nothing has arrived for the threshold, naming the newest event time', () => {
    expect(storeSilenceDecision({ ...base, silentForMs: 4 * MIN })).toBeNull();
    const d = storeSilenceDecision({ ...base, silentForMs: 6 * MIN });
    expect(d).toMatchObject({ type: 'assert', at: base.at, condition: { kind: 'sensor_fault', locationKey: gatewayKey('store-1'), title: 'No data from the store', severity: 'critical' } });
    expect(d?.type === 'assert' && d.condition.reason).toMatch(/for 6 min \(newest event time 08:00 UTC\)/);
  });

  it('says nothing more while it is open, nor when the rules already report a store outage', () => {
    expect(storeSilenceDecision({ ...base, silentForMs: 20 * MIN, open: true })).toBeNull();
    expect(storeSilenceDecision({ ...base, silentForMs: 20 * MIN, outageOpen: true })).toBeNull();
  });

  it('clears with the next reading', () => {
    expect(storeSilenceDecision({ ...base, silentForMs: 0, open: true })).toMatchObject({ type: 'clear', locationKey: 'gateway:store-1' });
  });
});
