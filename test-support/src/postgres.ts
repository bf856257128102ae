import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, readFile, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';
import { killOnExit, spawnManaged, type ManagedProcess } from './processes.js';
import { makeTempDir } from './temp-dir.js';
import { waitUntil } from './wait.js';

export const POSTGRES_BIN_DIR = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
/** The unprivileged account the server runs as (initdb and postgres refuse root). */
const POSTGRES_USER = 'postgres';
const SUPERUSER = 'shelfwatch';

export interface PostgresHandle {
  /** Connection string of the cluster's `postgres` database (superuser, password included). */
  url: string;
  port: number;
  dataDir: string;
  /** A new, empty database in the cluster; resolves with its connection string. */
  createDatabase(): Promise<string>;
  /**
   * Stops the server but keeps its data, an outage: `immediate` (default) is what a crash or a
   * power cut leaves (the next start runs crash recovery), `fast` a clean shutdown. Connections
   * are cut either way. Resolves once the server has exited.
   */
  stopServer(mode?: PostgresShutdown): Promise<void>;
  /** Starts the server again on the same data directory and port (every URL stays valid); resolves once it takes connections. */
  startServer(): Promise<void>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

/** How the server is stopped: SIGQUIT (as after a crash, recovery at the next start) or SIGINT (clean). */
export type PostgresShutdown = 'immediate' | 'fast';

/** A running postmaster: runuser, and the server's own pid (runuser does not pass SIGKILL on). */
interface Server {
  proc: ManagedProcess;
  pid: number;
  forget: () => void;
}

const run = promisify(execFile);
const asPostgres = (binary: string, args: string[]) => ['-u', POSTGRES_USER, '--', path.join(POSTGRES_BIN_DIR, binary), ...args];

/**
 * Starts a private PostgreSQL cluster: `initdb` into a temporary directory and `postgres` on a
 * free loopback port (its socket in that directory, fsync on, password authentication), both
 * run as the `postgres` user. Resolves once a connection succeeds.
 */
export async function startPostgres(): Promise<PostgresHandle> {
  if (!existsSync(path.join(POSTGRES_BIN_DIR, 'postgres'))) {
    throw new Error(`PostgreSQL not found in ${POSTGRES_BIN_DIR}: run 'npm run system-deps' (installs Debian's postgresql-15 package)`);
  }
  const temp = await makeTempDir('postgres');
  const { uid, gid } = await accountOf(POSTGRES_USER);
  await chown(temp.path, uid, gid);
  const dataDir = path.join(temp.path, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwFile = path.join(temp.path, 'pw');
  await writeFile(pwFile, password, { mode: 0o600 });
  await chown(pwFile, uid, gid);
  try {
    await run('runuser', asPostgres('initdb', ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions']));
  } catch (err) {
    await temp.remove();
    throw err;
  }
  const port = await freePort();
  const url = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`;
  const args = ['-D', dataDir, '-p', String(port), '-k', temp.path, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on', '-c', 'shared_buffers=16MB', '-c', 'max_connections=200'];
  let server: Server | undefined;
  const stopServer = async (mode: PostgresShutdown = 'immediate') => {
    const running = server;
    server = undefined;
    if (!running) return;
    try {
      // Immediate: its backends go with it, nothing is flushed; fast: a clean checkpoint. runuser then exits too.
      process.kill(running.pid, mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
    } catch {
      // It had already gone.
    }
    await running.proc.exited;
    running.forget();
  };
  const startServer = async () => {
    if (server) throw new Error(`postgres on 127.0.0.1:${port} is already running`);
    server = await launchServer(args, dataDir, url, port);
  };
  const stop = async () => {
    await stopServer();
    await temp.remove();
  };
  try {
    await startServer();
  } catch (err) {
    await stop();
    throw err;
  }

  let databases = 0;
  return {
    url,
    port,
    dataDir,
    async createDatabase() {
      const name = `db_${++databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url.replace(/\/postgres$/, `/${name}`);
    },
    stopServer,
    startServer,
    stop,
  };
}

/** Spawns postgres and resolves once a connection succeeds; if it dies or never answers, it is stopped and this rejects. */
async function launchServer(args: string[], dataDir: string, url: string, port: number): Promise<Server> {
  const proc = spawnManaged('runuser', asPostgres('postgres', args));
  try {
    const died = proc.exited.then(() => {
      throw new Error(`postgres exited during start:\n${proc.output()}`);
    });
    const ready = waitUntil(
      async () => {
        const client = new pg.Client({ connectionString: url });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      { timeoutMs: 60_000, intervalMs: 25, what: `postgres on 127.0.0.1:${port}` },
    );
    // Whichever loses the race settles later, unobserved.
    died.catch(() => undefined);
    ready.catch(() => undefined);
    await Promise.race([ready, died]);
    // runuser does not pass SIGKILL on: the server itself is killed by its pid if the tests die.
    const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return { proc, pid, forget: killOnExit(pid) };
  } catch (err) {
    await proc.kill();
    await proc.exited;
    throw err;
  }
}

async function accountOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
