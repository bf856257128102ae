import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface PtyPair {
  /** Device end (the simulator's board writes here). */
  a: string;
  /** Host end (the gateway opens this like /dev/ttyUSB0). */
  b: string;
  /** Kills socat: both ends vanish, as when a USB adapter is unplugged. */
  stop(): Promise<void>;
}

const SOCAT_BINARY = process.env.SOCAT_BIN ?? '/usr/bin/socat';

/** socat logs this (at -d -d) once both ptys and their symlinks exist. */
const READY_LINE = 'starting data transfer loop';
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2_000;

/** socat processes still running: killed when this process exits, so no pty pair outlives it. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A linked pseudo-terminal pair from socat, as symlinks <dir>/<names[0]> and <dir>/<names[1]>. */
export async function startPtyPair(options: { dir: string; names?: [string, string] }): Promise<PtyPair> {
  if (!existsSync(SOCAT_BINARY)) throw new Error(`socat not found at ${SOCAT_BINARY}: run 'npm run system-deps'`);
  const [nameA, nameB] = options.names ?? ['dev', 'host'];
  const a = path.join(options.dir, nameA);
  const b = path.join(options.dir, nameB);
  const child = spawn(SOCAT_BINARY, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  void exited.then(() => live.delete(child));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await socatReady(child);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
  return { a, b, stop };
}

/** Resolves on socat's ready line; rejects with what it said if it exits or takes too long first. */
async function socatReady(child: ChildProcess): Promise<void> {
  const said: string[] = [];
  const lines = createInterface({ input: child.stderr! });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socat gave no pty pair within ${READY_TIMEOUT_MS} ms:\n${said.join('\n')}`)), READY_TIMEOUT_MS);
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`socat ${why}:\n${said.join('\n')}`));
      };
      lines.on('line', (line) => {
        said.push(line);
        if (line.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (err) => fail(`did not start (${err.message})`));
      lines.once('close', () => fail('exited before its ptys were ready'));
    });
  } finally {
    // stderr must keep draining after this, or socat would block once the pipe fills.
    lines.removeAllListeners('line');
    child.stderr!.resume();
  }
}
