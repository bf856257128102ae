import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'vite';

export const WEB_ROOT = path.resolve(import.meta.dirname, '../../web');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');

async function newestMtime(entry: string): Promise<number> {
  const s = await stat(entry);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const child of await readdir(entry)) newest = Math.max(newest, await newestMtime(path.join(entry, child)));
  return newest;
}

/**
 * Builds the staff app with vite when backend/web/dist is missing or older than its
 * sources, so the browser tests work on a fresh clone (`npm run check`) and never test
 * a stale bundle. Returns the dist folder the backend serves.
 */
export async function ensureWebBuild(): Promise<string> {
  const index = path.join(WEB_DIST, 'index.html');
  if (existsSync(index)) {
    const built = (await stat(index)).mtimeMs;
    const sources = Math.max(
      ...(await Promise.all(['src', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((p) => newestMtime(path.join(WEB_ROOT, p))))),
    );
    if (built >= sources) return WEB_DIST;
  }
  await build({ configFile: path.join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  if (!existsSync(index)) throw new Error(`vite build finished without ${index}`);
  return WEB_DIST;
}
