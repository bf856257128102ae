import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnManaged } from './processes.js';
import { makeTempDir } from './temp-dir.js';
import { waitUntil } from './wait.js';

export interface PtyPair {
  /** Device end (the simulator's board writes here). */
  a: string;
  /** Host end (the gateway opens this like /dev/ttyUSB0). */
  b: string;
  /** Kills socat: both ends vanish, as when a USB adapter is unplugged. */
  stop(): Promise<void>;
}

export const SOCAT_BINARY = process.env.SOCAT_BIN ?? '/usr/bin/socat';

/** A linked pseudo-terminal pair from socat, with symlinks in a temporary directory. */
export async function startPtyPair(options: { dir?: string; names?: [string, string] } = {}): Promise<PtyPair> {
  if (!existsSync(SOCAT_BINARY)) throw new Error(`socat not found at ${SOCAT_BINARY}: run 'npm run system-deps'`);
  const temp = options.dir === undefined ? await makeTempDir('pty') : undefined;
  const dir = options.dir ?? temp!.path;
  const [nameA, nameB] = options.names ?? ['dev', 'host'];
  const a = path.join(dir, nameA);
  const b = path.join(dir, nameB);
  const proc = spawnManaged(SOCAT_BINARY, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`]);
  await waitUntil(() => existsSync(a) && existsSync(b), { timeoutMs: 10_000, intervalMs: 10, what: `socat pty pair in ${dir}` }).catch(
    async (err: unknown) => {
      await proc.kill();
      throw new Error(`${(err as Error).message}\n${proc.output()}`);
    },
  );
  return {
    a,
    b,
    async stop() {
      await proc.stop(2_000);
      await temp?.remove();
    },
  };
}
