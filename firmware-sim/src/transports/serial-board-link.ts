import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startPtyPair, type PtyPair } from '@shelfwatch/test-support';
import type { Logger } from 'pino';
import { SerialPort } from 'serialport';

export interface SerialBoardLinkOptions {
  boardId: string;
  /** Folder of the pty symlinks: <dir>/<boardId>.dev (device end) and <dir>/<boardId> (host end). */
  dir: string;
  logger: Logger;
}

/**
 * One board's serial line: a socat pty pair, the simulator writing to the device end.
 * disconnect() kills socat (both ends vanish, like an unplugged USB adapter);
 * connect() brings the pair back at the same paths.
 */
export class SerialBoardLink {
  private pair: PtyPair | null = null;
  private port: SerialPort | null = null;
  private pending = 0;

  constructor(private readonly opts: SerialBoardLinkOptions) {}

  get hostPath(): string {
    return path.join(this.opts.dir, this.opts.boardId);
  }

  private get devicePath(): string {
    return path.join(this.opts.dir, `${this.opts.boardId}.dev`);
  }

  get up(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** Writes not yet handed to the OS. */
  get backlog(): number {
    return this.pending;
  }

  async connect(): Promise<void> {
    if (this.pair) return;
    // A socat killed hard can leave its symlinks behind.
    await rm(this.hostPath, { force: true });
    await rm(this.devicePath, { force: true });
    this.pair = await startPtyPair({ dir: this.opts.dir, names: [`${this.opts.boardId}.dev`, this.opts.boardId] });
    const port = new SerialPort({ path: this.pair.a, baudRate: 115_200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('error', (err) => this.opts.logger.warn({ board: this.opts.boardId, err: err.message }, 'serial port error'));
    this.port = port;
  }

  /**
   * Resolves true once the line is handed to the OS, false if the line is down or nobody
   * drains it: a UART transmits whether or not anyone listens, so a board never blocks on
   * an unread line; past maxPending frames it loses them like the wire would.
   */
  async write(line: string, maxPending = 64): Promise<boolean> {
    const port = this.port;
    if (!port?.isOpen || this.pending >= maxPending) return false;
    this.pending++;
    try {
      return await new Promise<boolean>((resolve) => {
        port.write(line, (err) => {
          if (err) this.opts.logger.debug({ board: this.opts.boardId, err: err.message }, 'serial write failed');
          resolve(!err);
        });
      });
    } finally {
      this.pending--;
    }
  }

  async disconnect(): Promise<void> {
    const port = this.port;
    const pair = this.pair;
    this.port = null;
    this.pair = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    await pair?.stop();
  }
}
