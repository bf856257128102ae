import { rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOST_LINES } from '@shelfwatch/contracts';
import type { Logger } from 'pino';
import { ReadlineParser, SerialPort } from 'serialport';
import { startPtyPair, type PtyPair } from './pty-pair.js';

export interface SerialBoardLinkOptions {
  boardId: string;
  /** Folder of the pty symlinks: <dir>/<boardId>.dev (device end) and <dir>/<boardId> (host end). */
  dir: string;
  logger: Logger;
  /** Frames the board keeps while no host listens (its RAM ring buffer); older ones are lost. */
  holdFrames?: number;
}

interface Held {
  line: string;
  resolve: (written: boolean) => void;
}

/** Time for a host to read what was already on the line before the pair is torn down. */
const UNPLUG_SETTLE_MS = 250;

/** About an hour of frames at one a second: covers a host that takes its time to reopen the port. */
const DEFAULT_HOLD_FRAMES = 4_096;

/**
 * One board's serial line: a socat pty pair, the simulator writing to the device end.
 * disconnect() kills socat (both ends vanish, like an unplugged USB adapter);
 * connect() brings the pair back at the same paths. The board transmits only while a host
 * listens (HOST_LINES in contracts: HELLO after the host opens the port, BYE before it
 * closes it) and holds its frames, in order, until then.
 */
export class SerialBoardLink {
  private pair: PtyPair | null = null;
  private port: SerialPort | null = null;
  private pending = 0;
  /** Plugged in (`connecting` until the pty pair exists), and whether a host said HELLO. */
  private state: 'down' | 'connecting' | 'up' = 'down';
  private listening = false;
  private flushing = false;
  private held: Held[] = [];

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

  /** Whether a host has said HELLO (and not BYE) on the current line. */
  get hostListening(): boolean {
    return this.listening;
  }

  /** Writes not yet handed to the OS (frames held for an absent host are not counted). */
  get backlog(): number {
    return this.pending;
  }

  /** The board is unplugged as of now: nothing more goes out, and what it held is lost. */
  unplug(): void {
    this.state = 'down';
    this.listening = false;
    for (const h of this.held.splice(0)) h.resolve(false);
  }

  /** The board is plugged back in as of now: it holds its frames until the line is up and a host listens. */
  plugIn(): void {
    if (this.state === 'down') this.state = 'connecting';
  }

  async connect(): Promise<void> {
    if (this.pair) return;
    this.plugIn();
    // A socat killed hard can leave its symlinks behind.
    await rm(this.hostPath, { force: true });
    await rm(this.devicePath, { force: true });
    this.pair = await startPtyPair({ dir: this.opts.dir, names: [`${this.opts.boardId}.dev`, this.opts.boardId] });
    const port = new SerialPort({ path: this.pair.a, baudRate: 115_200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('error', (err) => this.opts.logger.warn({ board: this.opts.boardId, err: err.message }, 'serial port error'));
    port.pipe(new ReadlineParser({ delimiter: '\n', encoding: 'latin1' })).on('data', (line: string) => this.onHostLine(line.trim()));
    this.listening = false;
    this.port = port;
    if (this.state === 'connecting') this.state = 'up';
  }

  /** Resolves once a host has said HELLO on the current line, or after ms (nobody may ever open it). */
  async hostListens(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.listening && this.port && Date.now() < deadline) await sleep(10);
  }

  private onHostLine(line: string): void {
    if (line === HOST_LINES.hello) {
      this.listening = true;
      void this.flushHeld();
    } else if (line === HOST_LINES.bye) {
      this.listening = false;
    }
  }

  /** Sends what was held, oldest first, one write at a time; new frames queue behind it. */
  private async flushHeld(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.listening && this.state === 'up' && this.held.length > 0) {
        const h = this.held.shift()!;
        h.resolve(await this.send(h.line, Infinity));
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Resolves true once the line is handed to the OS, false if the line is down, the frame
   * fell out of the hold buffer, or nobody drains the line: a UART transmits whether or not
   * anyone reads, so a board never blocks on an unread line; past maxPending frames it loses
   * them like the wire would.
   */
  write(line: string, maxPending = 64): Promise<boolean> {
    if (this.state === 'down') return Promise.resolve(false);
    if (this.state === 'up' && this.listening && !this.flushing && this.held.length === 0) return this.send(line, maxPending);
    return new Promise<boolean>((resolve) => {
      this.held.push({ line, resolve });
      if (this.held.length > (this.opts.holdFrames ?? DEFAULT_HOLD_FRAMES)) this.held.shift()!.resolve(false);
    });
  }

  private async send(line: string, maxPending = 64): Promise<boolean> {
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

  /**
   * Unplugs between two frames: what was already written reaches the host's side of the
   * line before socat goes (a frame cut in half by the plug is not what this models).
   */
  async disconnect(): Promise<void> {
    const port = this.port;
    const pair = this.pair;
    this.unplug();
    if (port?.isOpen) {
      await new Promise<void>((resolve) => port.drain(() => resolve()));
      await sleep(UNPLUG_SETTLE_MS);
    }
    this.port = null;
    this.pair = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    await pair?.stop();
  }
}
