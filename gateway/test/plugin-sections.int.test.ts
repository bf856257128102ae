import { freePort, makeTempDir, type TempDir } from '@shelfwatch/test-support';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, type GatewayConfig } from '../src/config.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { writeGatewayFiles } from './fixtures/store.js';

const logger = pino({ level: 'silent' });

describe('an input runs when its config section is present', () => {
  let dir: TempDir;
  let base: GatewayConfig;
  let gateway: Gateway | undefined;

  beforeAll(async () => {
    dir = await makeTempDir('gw-sections');
    // Nothing listens on these ports: the sinks keep retrying, which does not matter here.
    base = loadGatewayConfig(await writeGatewayFiles(dir.path, { influxUrl: `http://127.0.0.1:${await freePort()}`, backendUrl: `http://127.0.0.1:${await freePort()}` }));
  });

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  afterAll(async () => {
    await dir?.remove();
  });

  it('starts only the inputs whose sections the config has', async () => {
    const { mqtt, serial, opcua, ...sinksOnly } = base;
    expect([mqtt, serial, opcua].every((section) => section !== undefined)).toBe(true);

    gateway = await startGateway({ ...sinksOnly, mqtt }, { logger });
    expect(Object.keys(gateway.health().inputs as object)).toEqual(['mqtt']);
    expect(gateway.mqttPort).toBeGreaterThan(0);
    await gateway.close();

    gateway = await startGateway({ ...sinksOnly, serial }, { logger });
    expect(Object.keys(gateway.health().inputs as object)).toEqual(['serial']);
    expect(gateway.mqttPort).toBe(0);
    await gateway.close();

    gateway = await startGateway(sinksOnly, { logger });
    expect(gateway.health()).toMatchObject({ ok: true, inputs: {} });
  });
});
