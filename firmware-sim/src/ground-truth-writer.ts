import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { GroundTruthEvent } from './world/ground-truth.js';

/** Appends ground-truth events as JSON lines; close() resolves once everything is on disk. */
export class GroundTruthWriter {
  private stream: WriteStream | null = null;

  constructor(readonly file: string) {}

  async open(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    this.stream = createWriteStream(this.file, { flags: 'w' });
  }

  write(event: GroundTruthEvent): void {
    this.stream?.write(`${JSON.stringify(event)}\n`);
  }

  async close(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    if (!s) return;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
