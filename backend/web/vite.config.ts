import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The staff app is served by the backend from backend/web/dist at / (same origin as the
 * API), so asset URLs are relative to / and no dev proxy is needed in production.
 */
export default defineConfig({
  root,
  base: '/',
  // No @preact/preset-vite: the automatic JSX runtime from preact is all we need.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Maps stay on disk for debugging; the backend never serves *.map.
    sourcemap: 'hidden',
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
