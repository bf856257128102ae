import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

/**
 * Child processes started by the harness. Each is killed when its handle stops it and,
 * as a last resort, when the test process exits, so no influxd or socat outlives a run.
 */
const live = new Set<ChildProcess>();
/** Processes a managed one started and that outlive it when it is killed (a server behind runuser). */
const grandchildren = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const pid of grandchildren) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

/** Kills `pid` when the test process exits, unless the returned function is called first. */
export function killOnExit(pid: number): () => void {
  installExitHook();
  grandchildren.add(pid);
  return () => grandchildren.delete(pid);
}

export interface ManagedProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (bounded), for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnManaged(command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  installExitHook();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      append(Buffer.from(`spawn error: ${err.message}\n`));
      live.delete(child);
      resolve({ code: -1, signal: null });
    });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null && live.has(child);
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!isRunning()) return;
    child.kill(signal);
    await exited;
  };
  return {
    child,
    output: () => output,
    exited,
    kill,
    async stop(graceMs = 5_000) {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function onceExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}
