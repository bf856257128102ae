import { describe, expect, it } from 'vitest';
import { spawnManaged } from '../src/processes.js';
import { readReadyLine } from '../src/start-service.js';

/** A node process that writes these chunks to stdout, 20 ms apart, then waits to be stopped (or exits). */
function writer(chunks: string[], exitAfter = false) {
  const script = `const c = ${JSON.stringify(chunks)}; let i = 0;
    const t = setInterval(() => { if (i < c.length) process.stdout.write(c[i++]); else { clearInterval(t); ${exitAfter ? 'process.exit(3);' : 'setInterval(() => {}, 1000);'} } }, 20);`;
  return spawnManaged(process.execPath, ['-e', script]);
}

describe('readReadyLine', () => {
  it('reads the ready line by field, whatever the key order, across chunk boundaries, past lines that only mention "ready"', async () => {
    const proc = writer(['starting, not ready yet\n', '{"level":30,"msg":"ready soon"}\n{"url":"http://127.0.0.1:1",', '"event":"ready"}\n']);
    try {
      const seen: string[] = [];
      expect(await readReadyLine(proc, 'writer', (l) => seen.push(l))).toEqual({ url: 'http://127.0.0.1:1', event: 'ready' });
      expect(seen).toEqual(['starting, not ready yet', '{"level":30,"msg":"ready soon"}', '{"url":"http://127.0.0.1:1","event":"ready"}']);
    } finally {
      await proc.stop();
    }
  });

  it('rejects with the output when the process exits before it is ready', async () => {
    const proc = writer(['{"event":"starting"}\n', 'bad config\n'], true);
    await expect(readReadyLine(proc, 'writer')).rejects.toThrow(/writer exited \(3\) before it was ready:[\s\S]*bad config/);
  });
});
