import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SpawnOptions } from 'node:child_process';
import { spawnManaged, type ManagedProcess } from './processes.js';

/** The repository root (the folder holding package-lock.json), from a source or a compiled file alike. */
export function repoRoot(from: string = import.meta.dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package-lock.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package-lock.json above ${from}`);
  }
}

/** Entry points of the ShelfWatch processes in the compiled output (`npm run build`). */
export const SERVICE_ENTRIES = {
  gateway: 'gateway/dist/src/main.js',
  backend: 'backend/dist/src/main.js',
  sim: 'firmware-sim/dist/src/cli.js',
} as const;
export type ServiceName = keyof typeof SERVICE_ENTRIES;

/**
 * Node options a service runs with in production too (docker-compose.yml, the Dockerfile and
 * the packages' start scripts repeat them). The gateway's heap is capped: left alone, V8 lets
 * the garbage of 10,000 readings/s pile up to 300+ MB before collecting, for a live set of
 * about 100 MB at a large store (bench/README.md). A 2 MB young generation (V8's default is
 * 16 MB per semi-space) keeps about 40 MB of short-lived readings, requests and line protocol
 * out of both services' resident memory; its more frequent scavenges are each shorter.
 */
export const SERVICE_NODE_OPTIONS: Record<ServiceName, readonly string[]> = {
  gateway: ['--enable-source-maps', '--max-old-space-size=256', '--max-semi-space-size=2'],
  backend: ['--enable-source-maps', '--max-semi-space-size=2'],
  sim: ['--enable-source-maps'],
};

/**
 * The arguments for `node` that start a service the way production does: plain node on the
 * compiled JavaScript, stack traces through the source maps. SHELFWATCH_NODE_ARGS_<SERVICE>
 * adds node options for one service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
 */
export function serviceArgs(service: ServiceName, args: readonly string[]): string[] {
  const entry = path.join(repoRoot(), SERVICE_ENTRIES[service]);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run \`npm run build\` first`);
  const extra = process.env[`SHELFWATCH_NODE_ARGS_${service.toUpperCase()}`]?.split(' ').filter(Boolean) ?? [];
  return [...extra, ...SERVICE_NODE_OPTIONS[service], entry, ...args];
}

/** Spawns a service from its compiled output (see serviceArgs). */
export function spawnService(service: ServiceName, args: readonly string[], options: SpawnOptions = {}): ManagedProcess {
  return spawnManaged(process.execPath, serviceArgs(service, args), { cwd: repoRoot(), ...options });
}
