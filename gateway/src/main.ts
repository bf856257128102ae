import { parseArgs } from 'node:util';
import pino from 'pino';
import { CONFIG_ERROR_EXIT_CODE, ConfigError } from '@shelfwatch/contracts';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';

/** Process entry: `node gateway/dist/src/main.js --config store.json` (compiled). Logs go to stderr as JSON; stdout carries the ready line. */
async function main(): Promise<void> {
  const logger = pino({ name: 'gateway', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const { values } = parseArgs({ options: { config: { type: 'string' } } });
  if (!values.config) {
    logger.fatal('usage: main.ts --config <file>');
    process.exit(2);
  }
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(loadGatewayConfig(values.config), { logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(CONFIG_ERROR_EXIT_CODE);
    }
    logger.fatal({ err }, 'gateway failed to start');
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ event: 'ready', httpUrl: gateway.httpUrl, mqttPort: gateway.mqttPort, mqttTlsPort: gateway.mqttTlsPort })}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

await main();
