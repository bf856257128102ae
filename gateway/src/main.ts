import { runMain } from '@shelfwatch/service-kit';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';

/** Process entry: `node gateway/dist/src/main.js --config store.json` (compiled); exit codes and the ready line: service-kit runMain. */
await runMain({
  name: 'gateway',
  start: async (configPath, logger) => {
    const gateway = await startGateway(loadGatewayConfig(configPath), { logger });
    return { ready: { httpUrl: gateway.httpUrl, mqttPort: gateway.mqttPort, mqttTlsPort: gateway.mqttTlsPort }, close: () => gateway.close() };
  },
});
