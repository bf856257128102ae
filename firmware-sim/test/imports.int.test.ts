import { commonJsModulesLoadedBy } from '@shelfwatch/test-support/loaded-modules';
import { describe, expect, it } from 'vitest';

describe('importing the simulator', () => {
  it.each(['@shelfwatch/firmware-sim', '@shelfwatch/firmware-sim/transports'])('%s loads no test helper (no playwright)', async (specifier) => {
    const loaded = await commonJsModulesLoadedBy(specifier);
    expect(loaded.some((m) => m.includes('/node_modules/node-opcua'))).toBe(true);
    expect(loaded.filter((m) => m.includes('playwright'))).toEqual([]);
  });
});
