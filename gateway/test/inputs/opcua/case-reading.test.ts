import { describe, expect, it } from 'vitest';
import { caseValueToReading } from '../../../src/inputs/opcua/case-reading.js';

const base = { storeId: 'store-1', controllerId: 'ctrl-1', caseId: 'case-1', statusGood: true, tsMs: 1000 };

describe('caseValueToReading', () => {
  it('maps each variable to its reading kind with an id from the source timestamp', () => {
    expect(caseValueToReading({ ...base, variable: 'airTempC', value: 4.5 })).toEqual({
      ok: true,
      reading: { kind: 'case.air_temperature', id: 'ctrl-1:airTempC:1000', storeId: 'store-1', deviceId: 'ctrl-1', ts: 1000, caseId: 'case-1', tempC: 4.5 },
    });
    expect(caseValueToReading({ ...base, variable: 'doorOpen', value: true })).toMatchObject({ ok: true, reading: { kind: 'case.door', open: true } });
    expect(caseValueToReading({ ...base, variable: 'defrostActive', value: false })).toMatchObject({ ok: true, reading: { kind: 'case.defrost', active: false } });
    expect(caseValueToReading({ ...base, variable: 'compressorRunning', value: true })).toMatchObject({ ok: true, reading: { kind: 'case.compressor', running: true } });
    expect(caseValueToReading({ ...base, variable: 'setpointC', value: -18 })).toMatchObject({ ok: true, reading: { kind: 'case.setpoint', tempC: -18 } });
  });

  it('rejects bad status and implausible or mistyped values', () => {
    expect(caseValueToReading({ ...base, variable: 'airTempC', value: 4, statusGood: false })).toMatchObject({ ok: false, reason: 'bad_status' });
    expect(caseValueToReading({ ...base, variable: 'airTempC', value: 150 })).toMatchObject({ ok: false, reason: 'bad_value' });
    expect(caseValueToReading({ ...base, variable: 'airTempC', value: Number.NaN })).toMatchObject({ ok: false, reason: 'bad_value' });
    expect(caseValueToReading({ ...base, variable: 'doorOpen', value: 1 })).toMatchObject({ ok: false, reason: 'bad_value' });
  });
});
