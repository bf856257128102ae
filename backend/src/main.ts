import { runMain } from '@shelfwatch/service-kit';
import { startBackend } from './backend.js';
import { loadBackendConfig } from './config.js';

/** Process entry: `node backend/dist/src/main.js --config <backend.json|yaml>` (compiled); exit codes and the ready line: service-kit runMain. */
await runMain({
  name: 'shelfwatch-backend',
  start: async (configPath, logger) => {
    const backend = await startBackend(await loadBackendConfig(configPath), { logger });
    return { ready: { url: backend.url }, close: () => backend.close() };
  },
});
