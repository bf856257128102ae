import { EventEmitter } from 'node:events';
import { HOST_LINES } from '@shelfwatch/contracts';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SerialLink, type PortLike } from '../../../src/inputs/serial/serial-link.js';

/** A serial port (the link's collaborator) whose lines the test pushes and whose writes it reads. */
class FakePort extends EventEmitter implements PortLike {
  isOpen = false;
  readonly written: string[] = [];
  private dest: NodeJS.WritableStream | undefined;
  open(cb: (err: Error | null) => void): void {
    this.isOpen = true;
    cb(null);
  }
  close(cb?: (err: Error | null) => void): void {
    this.isOpen = false;
    cb?.(null);
  }
  pipe<T extends NodeJS.WritableStream>(dest: T): T {
    this.dest = dest;
    return dest;
  }
  write(data: string, cb?: (err: Error | null | undefined) => void): boolean {
    this.written.push(data);
    cb?.(null);
    return true;
  }
  drain(cb?: (err: Error | null) => void): void {
    cb?.(null);
  }
  feed(text: string): void {
    this.dest!.write(Buffer.from(text, 'latin1'));
  }
  greetings(): number {
    return this.written.filter((w) => w === `${HOST_LINES.hello}\n`).length;
  }
}

describe('SerialLink greeting', () => {
  let link: SerialLink | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await link?.stop();
  });

  const open = (port: FakePort) => {
    link = new SerialLink({ path: '/dev/fake', baudRate: 115_200, logger: pino({ level: 'silent' }), factory: () => port, greetEveryMs: 1_000 });
    link.start();
  };

  it('says HELLO again while the line stays silent (the board missed the first one)', async () => {
    const port = new FakePort();
    open(port);
    expect(port.greetings()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(port.greetings()).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(port.greetings()).toBe(4);
  });

  it('stops repeating once the board speaks, and starts again if it falls silent', async () => {
    const port = new FakePort();
    open(port);
    port.feed('SW1,frame\n');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(port.greetings()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(port.greetings()).toBe(2);
  });

  it('does not greet after stop (BYE is the last word)', async () => {
    const port = new FakePort();
    open(port);
    const stopping = link!.stop();
    await vi.advanceTimersByTimeAsync(3_000);
    await stopping;
    link = undefined;
    expect(port.written.at(-1)).toBe(`${HOST_LINES.bye}\n`);
    expect(port.greetings()).toBe(1);
  });
});
