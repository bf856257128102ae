import pg from 'pg';
import type { Logger } from 'pino';
import type { Channel } from '../ports.js';
import { CHANNELS } from './notices.js';

const RECONNECT_MS = 1000;

/**
 * One connection outside the pool that LISTENs to the replicas' notices, reconnecting when the
 * server goes away. Notices sent while it is away are lost: whoever listens also polls.
 */
export async function listen(
  opts: { url: string; types: pg.CustomTypesConfig; logger: Logger },
  onNotice: (channel: Channel, payload: string) => void,
): Promise<() => Promise<void>> {
  const byName = new Map(Object.entries(CHANNELS).map(([channel, name]) => [name, channel as Channel]));
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: opts.url, types: opts.types });
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = undefined;
      c.removeAllListeners();
      c.on('error', () => {});
      void c.end().catch(() => {});
      if (stopped) return;
      opts.logger.warn({ err }, 'PostgreSQL notice connection lost; reconnecting');
      retry = setTimeout(() => void connect(), RECONNECT_MS);
      retry.unref();
    };
    client = c;
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (n) => {
      const channel = byName.get(n.channel);
      if (channel) onNotice(channel, n.payload ?? '');
    });
    try {
      await c.connect();
      for (const name of byName.keys()) await c.query(`LISTEN ${name}`);
    } catch (err) {
      lost(err instanceof Error ? err : new Error(String(err)));
    }
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const c = client;
    client = undefined;
    await c?.end().catch(() => {});
  };
}
