import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOST_LINES } from '@shelfwatch/contracts';
import { ReadlineParser, SerialPort } from 'serialport';
import type { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy } from '@shelfwatch/service-kit';

/** The part of a serialport SerialPort this link uses. */
export interface PortLike extends EventEmitter {
  open(cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
  readonly isOpen: boolean;
  pipe<T extends NodeJS.WritableStream>(dest: T): T;
  write(data: string, cb?: (err: Error | null | undefined) => void): boolean;
  drain(cb?: (err: Error | null) => void): void;
}

/** A board that heard BYE stops within a frame; this much silence means it has. */
const QUIET_MS = 200;

/**
 * A line silent this long after HELLO gets HELLO again. The board's end flushes its input when
 * it opens (a board that boots, or a pty that appears, after the host opened the port), so the
 * first HELLO can be lost; a board that did hear it is not harmed by another (it is idempotent).
 */
const DEFAULT_GREET_EVERY_MS = 2_000;

export type PortFactory = (options: { path: string; baudRate: number }) => PortLike;

export const realPortFactory: PortFactory = ({ path, baudRate }) =>
  new SerialPort({ path, baudRate, autoOpen: false });

export interface SerialLinkOptions {
  path: string;
  baudRate: number;
  logger: Logger;
  factory?: PortFactory;
  backoff?: BackoffPolicy;
  /** Silence after which HELLO is said again (default 2 s). */
  greetEveryMs?: number;
}

/**
 * One serial port that stays open: lines out, reopened with backoff whenever it closes or
 * cannot be opened (a USB adapter unplugged, socat killed), until stop().
 * Emits 'line', 'open', 'down' (with the reason).
 */
export class SerialLink extends EventEmitter<{ line: [string]; open: []; down: [string] }> {
  private port: PortLike | undefined;
  private stopped = true;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private isUp = false;
  private greeter: NodeJS.Timeout | undefined;

  constructor(private readonly options: SerialLinkOptions) {
    super();
  }

  get up(): boolean {
    return this.isUp;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.greeter);
    const port = this.port;
    if (port?.isOpen) await this.sayGoodbye(port);
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /**
   * Tells the board to hold its frames (HOST_LINES in contracts), then keeps reading until
   * the line is quiet, so the frames it sent before it heard us are not lost with the port.
   */
  private async sayGoodbye(port: PortLike): Promise<void> {
    port.write(`${HOST_LINES.bye}\n`);
    await new Promise<void>((resolve) => port.drain(() => resolve()));
    const deadline = Date.now() + 2_000;
    let lastLineAt = Date.now();
    const onLine = () => (lastLineAt = Date.now());
    this.on('line', onLine);
    try {
      while (Date.now() < deadline && Date.now() - lastLineAt < QUIET_MS) await sleep(QUIET_MS / 4);
    } finally {
      this.off('line', onLine);
    }
  }

  private open(): void {
    if (this.stopped) return;
    const factory = this.options.factory ?? realPortFactory;
    let port: PortLike;
    try {
      port = factory({ path: this.options.path, baudRate: this.options.baudRate });
    } catch (err) {
      this.failed(`cannot create port: ${(err as Error).message}`);
      return;
    }
    port.open((err) => {
      if (err) {
        this.failed(err.message);
        return;
      }
      if (this.stopped) {
        port.close();
        return;
      }
      this.port = port;
      this.attempt = 0;
      this.isUp = true;
      let heard = false;
      const parser = port.pipe(new ReadlineParser({ delimiter: '\n', encoding: 'latin1' }));
      parser.on('data', (line: string) => {
        heard = true;
        this.emit('line', line);
      });
      port.on('error', (e: Error) => this.options.logger.warn({ err: e, path: this.options.path }, 'serial port error'));
      port.once('close', (e: Error | null) => {
        clearInterval(this.greeter);
        if (this.port !== port) return;
        this.port = undefined;
        this.failed(e?.message ?? 'port closed');
      });
      // Opening flushed whatever the board sent before; it has held its frames since and sends them now.
      const greet = () =>
        port.write(`${HOST_LINES.hello}\n`, (e) => {
          if (e) this.options.logger.warn({ err: e, path: this.options.path }, 'could not greet the board');
        });
      greet();
      clearInterval(this.greeter);
      this.greeter = setInterval(() => {
        if (!heard && port.isOpen && this.port === port) greet();
        heard = false;
      }, this.options.greetEveryMs ?? DEFAULT_GREET_EVERY_MS).unref();
      this.options.logger.info({ path: this.options.path }, 'serial port open');
      this.emit('open');
    });
  }

  private failed(reason: string): void {
    if (this.stopped) return;
    if (this.isUp || this.attempt === 0) {
      this.options.logger.warn({ path: this.options.path, reason }, 'serial port down; reopening with backoff');
      this.emit('down', reason);
    }
    this.isUp = false;
    const delay = backoffDelay(this.options.backoff ?? { initialMs: 100, maxMs: 5_000 }, this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => this.open(), delay);
  }
}
