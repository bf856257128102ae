import { describe, expect, it } from 'vitest';
import { commonJsModulesLoadedBy } from '../src/loaded-modules.js';

const usesPlaywright = (loaded: string[]) => loaded.some((m) => m.includes('/node_modules/playwright-core/'));

describe('test-support subpath exports', () => {
  it.each(['influxd', 'aedes-broker', 'processes', 'services', 'ports', 'temp-dir', 'wait', 'tls-cert'])(
    '@shelfwatch/test-support/%s loads no browser',
    async (helper) => {
      expect(usesPlaywright(await commonJsModulesLoadedBy(`@shelfwatch/test-support/${helper}`))).toBe(false);
    },
  );

  it('the browser helper and the main entry do load it', async () => {
    expect(usesPlaywright(await commonJsModulesLoadedBy('@shelfwatch/test-support/browser'))).toBe(true);
    expect(usesPlaywright(await commonJsModulesLoadedBy('@shelfwatch/test-support'))).toBe(true);
  });
});
