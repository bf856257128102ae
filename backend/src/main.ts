import { parseArgs } from 'node:util';
import { CONFIG_ERROR_EXIT_CODE, ConfigError } from '@shelfwatch/contracts';
import { pino } from 'pino';
import { startBackend } from './backend.js';
import { loadBackendConfig } from './config.js';

/** Longest a SIGTERM/SIGINT may take to stop the process. */
const SHUTDOWN_DEADLINE_MS = 10_000;

/** Process entry: `node backend/dist/src/main.js --config <file>` (compiled); prints {"event":"ready","url":...} when listening. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });
  if (!values.config) {
    process.stderr.write('usage: main.ts --config <backend.json|yaml>\n');
    process.exit(2);
  }
  // Logs go to stderr: stdout carries the one machine-readable ready line.
  const logger = pino({ name: 'shelfwatch-backend', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const config = await loadBackendConfig(values.config);
  const backend = await startBackend(config, { logger });
  process.stdout.write(`${JSON.stringify({ event: 'ready', url: backend.url })}\n`);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) {
      logger.warn({ signal }, 'second signal while shutting down: exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal, deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutting down');
    // Whatever close() waits for (a hung InfluxDB, a slow webhook receiver), the process is
    // gone within the deadline; everything acknowledged is already committed to SQLite.
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'clean shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    backend
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'close failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
