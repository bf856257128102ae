import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's CPU times. */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface ProcStat {
  ppid: number;
  /** CPU seconds the process itself used (user + system). */
  own: number;
  /** CPU seconds of its children that have exited and been waited for. */
  reaped: number;
}

async function procStat(pid: number): Promise<ProcStat | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces), from field 3 (state) on.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3]);
  return { ppid: n(4), own: (n(14) + n(15)) / CLK_TCK, reaped: (n(16) + n(17)) / CLK_TCK };
}

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export async function cpuSeconds(pid: number): Promise<number> {
  return (await procStat(pid))?.own ?? 0;
}

/**
 * CPU seconds of a process and all its children, living and exited: what a PostgreSQL
 * postmaster and its per-connection backends have used so far.
 */
export async function treeCpuSeconds(pid: number): Promise<number> {
  const root = await procStat(pid);
  if (root === null) return 0;
  let total = root.own + root.reaped;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = await procStat(Number(entry));
    if (child?.ppid === pid) total += child.own;
  }
  return total;
}
