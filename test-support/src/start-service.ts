import { createWriteStream } from 'node:fs';
import type { ManagedProcess } from './processes.js';
import { spawnService } from './services.js';

/**
 * Starting a ShelfWatch process and waiting for it to be ready, for tests, the demo, the
 * bench and the drills alike. A service says it is ready with one JSON line on stdout,
 * `{"event":"ready",...}` (service-kit runMain); it is read as JSON, by field, so neither
 * the order of its keys nor a log line that mentions "ready" can fool the reader.
 */

/** What each service's ready line carries (gateway/src/main.ts, backend/src/main.ts). */
export interface ReadyLines {
  gateway: { httpUrl: string; mqttPort: number };
  backend: { url: string };
}
export type ReadyService = keyof ReadyLines;

const READY_FIELDS: { [S in ReadyService]: Record<keyof ReadyLines[S], 'string' | 'number'> } = {
  gateway: { httpUrl: 'string', mqttPort: 'number' },
  backend: { url: 'string' },
};

/**
 * Resolves with the first `{"event":"ready",...}` line the process writes to stdout; rejects
 * if it exits first. Other stdout lines are passed to `onLine` (or ignored).
 */
export function readReadyLine(proc: ManagedProcess, what: string, onLine?: (line: string) => void): Promise<Record<string, unknown>> {
  const stdout = proc.child.stdout;
  if (!stdout) return Promise.reject(new Error(`${what}: no stdout to read the ready line from`));
  return new Promise((resolve, reject) => {
    let partial = '';
    let ready = false;
    stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        onLine?.(line);
        if (ready) continue;
        const parsed = readyOf(line);
        if (parsed) {
          ready = true;
          resolve(parsed);
        }
      }
    });
    void proc.exited.then(({ code, signal }) => {
      if (!ready) reject(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${proc.output().slice(-3000)}`));
    });
  });
}

function readyOf(line: string): Record<string, unknown> | undefined {
  if (!line.trimStart().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as unknown;
    if (typeof parsed === 'object' && parsed !== null && (parsed as { event?: unknown }).event === 'ready') return parsed as Record<string, unknown>;
  } catch {
    // not JSON: output that merely starts with a brace
  }
  return undefined;
}

export interface StartServiceOptions {
  /** Names the process in errors and its log file; defaults to the service. */
  name?: string;
  /** Added to this process's environment. LOG_LEVEL defaults to warn. */
  env?: Record<string, string>;
  /** Appends everything the process writes (stdout and stderr) to this file. */
  logFile?: string;
}

export interface ServiceProcess<S extends ReadyService = ReadyService> {
  name: string;
  proc: ManagedProcess;
  ready: ReadyLines[S];
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * Spawns a compiled service with `--config <file>` and resolves once it is ready. If it does
 * not get there (it exits, or its ready line lacks a field), it is stopped and this rejects.
 */
export async function startService<S extends ReadyService>(service: S, configFile: string, options: StartServiceOptions = {}): Promise<ServiceProcess<S>> {
  const name = options.name ?? service;
  const proc = spawnService(service, ['--config', configFile], { env: { ...process.env, LOG_LEVEL: 'warn', ...options.env } });
  const log = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  if (log) {
    proc.child.stderr?.pipe(log, { end: false });
    void proc.exited.then(() => log.end());
  }
  try {
    const line = await readReadyLine(proc, name, log && ((l) => log.write(`${l}\n`)));
    const ready = readyFields(service, line, name);
    return { name, proc, ready, stop: () => proc.stop() };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

function readyFields<S extends ReadyService>(service: S, line: Record<string, unknown>, name: string): ReadyLines[S] {
  const fields: Record<string, string> = READY_FIELDS[service];
  for (const [field, type] of Object.entries(fields)) {
    if (typeof line[field] !== type) throw new Error(`${name}'s ready line has no ${type} ${field}: ${JSON.stringify(line)}`);
  }
  return line as ReadyLines[S];
}
