import { HOST_LINES } from '@shelfwatch/contracts';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SerialLink } from '../../../src/inputs/serial/serial-link.js';
import { FakePort } from '../../fixtures/fake-port.js';

const greetings = (port: FakePort) => port.written.filter((w) => w === `${HOST_LINES.hello}\n`).length;

describe('SerialLink greeting', () => {
  let link: SerialLink | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await link?.stop();
  });

  const open = async (port: FakePort) => {
    link = new SerialLink({ path: '/dev/fake', baudRate: 115_200, logger: pino({ level: 'silent' }), factory: () => port, greetEveryMs: 1_000 });
    link.start();
    // The port opens on a microtask, as a real one does on a later tick.
    await vi.advanceTimersByTimeAsync(0);
  };

  it('says HELLO again while the line stays silent (the board missed the first one)', async () => {
    const port = new FakePort();
    await open(port);
    expect(greetings(port)).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(greetings(port)).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(greetings(port)).toBe(4);
  });

  it('stops repeating once the board speaks, and starts again if it falls silent', async () => {
    const port = new FakePort();
    await open(port);
    port.feed('SW1,frame\n');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(greetings(port)).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(greetings(port)).toBe(2);
  });

  it('does not greet after stop (BYE is the last word)', async () => {
    const port = new FakePort();
    await open(port);
    const stopping = link!.stop();
    await vi.advanceTimersByTimeAsync(3_000);
    await stopping;
    link = undefined;
    expect(port.written.at(-1)).toBe(`${HOST_LINES.bye}\n`);
    expect(greetings(port)).toBe(1);
  });
});
