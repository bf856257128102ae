import type { Logger } from 'pino';

/**
 * Logs rejects without flooding: the first of each key, then every 100th. Every reject
 * is counted in metrics regardless; the log is for finding out why.
 */
export class RejectLog {
  private readonly seen = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  log(key: string, fields: Record<string, unknown>, message: string): void {
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    if (n === 1 || n % 100 === 0) this.logger.warn({ ...fields, occurrences: n }, message);
  }
}
