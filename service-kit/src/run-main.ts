import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { CONFIG_ERROR_EXIT_CODE, ConfigError } from './config-error.js';

/** A started service: what its ready line says, and how it stops. */
export interface RunningService {
  /** Fields of the ready line beside `event: 'ready'` (addresses a supervisor connects to). */
  ready: Record<string, unknown>;
  close(): Promise<void>;
}

export interface RunMainOptions {
  /** Logger name. */
  name: string;
  /** Loads the config file and starts the service; a ConfigError is the operator's to fix. */
  start: (configPath: string, logger: Logger) => Promise<RunningService>;
  /** Longest a SIGTERM/SIGINT may take to stop the process (default 10 s). */
  shutdownDeadlineMs?: number;
}

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * Process entry of a service, `main.js --config <file>`: logs go to stderr as JSON; stdout
 * carries one machine-readable line, `{"event":"ready",...}`, once the service listens.
 * Exit codes: 2 for usage and configuration errors (the message, no stack trace), 1 for a
 * failed start or an unclean stop, 0 after a clean stop on SIGTERM/SIGINT.
 */
export async function runMain(options: RunMainOptions): Promise<void> {
  const logger = pino({ name: options.name, level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  let configPath: string | undefined;
  try {
    configPath = parseArgs({ options: { config: { type: 'string', short: 'c' } } }).values.config;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
  }
  if (!configPath) {
    process.stderr.write('usage: main.js --config <file>\n');
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }
  let service: RunningService;
  try {
    service = await options.start(configPath, logger);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(CONFIG_ERROR_EXIT_CODE);
    }
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  }
  const deadlineMs = options.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal while shutting down: exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal, deadlineMs }, 'shutting down');
    // Whatever close() waits for (a hung peer, a slow receiver), the process is gone within
    // the deadline; everything acknowledged is already durable.
    setTimeout(() => {
      logger.error({ deadlineMs }, 'clean shutdown took too long: exiting');
      process.exit(1);
    }, deadlineMs);
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Only now: a supervisor may signal the moment it reads the line.
  process.stdout.write(`${JSON.stringify({ event: 'ready', ...service.ready })}\n`);
}
