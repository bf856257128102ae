import { describe, expect, it } from 'vitest';
import { ControllerFirmware } from '../../src/firmware/controller-firmware.js';

const values = { airTempC: 3.04, setpointC: 3, defrostActive: false, doorOpen: false, compressorRunning: true };

describe('controller firmware', () => {
  it('publishes every variable once, then only real changes, air quantised and rate limited', () => {
    const fw = new ControllerFirmware({ controllerId: 'ctl-1', quantumC: 0.1, minUpdateMs: 5000 });
    expect(fw.tick(0, values).map((c) => c.variable)).toEqual(['airTempC', 'setpointC', 'defrostActive', 'doorOpen', 'compressorRunning']);
    expect(fw.tick(1000, { ...values, airTempC: 3.01 })).toEqual([]);
    expect(fw.tick(2000, { ...values, airTempC: 3.3 })).toEqual([]);
    expect(fw.tick(5000, { ...values, airTempC: 3.3 })).toEqual([{ variable: 'airTempC', value: 3.3, sourceTsMs: 5000 }]);
    expect(fw.tick(6000, { ...values, airTempC: 3.3, doorOpen: true })).toEqual([{ variable: 'doorOpen', value: true, sourceTsMs: 6000 }]);
    expect(fw.snapshot().find((c) => c.variable === 'airTempC')).toEqual({ variable: 'airTempC', value: 3.3, sourceTsMs: 5000 });
  });
});
