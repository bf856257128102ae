import { once } from 'node:events';
import { decodeFrame, encodeFrame, HOST_LINES } from '@shelfwatch/contracts';
import { makeTempDir, waitUntil, type TempDir } from '@shelfwatch/test-support';
import { pino } from 'pino';
import { ReadlineParser, SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialBoardLink } from '../../src/transports/serial-board-link.js';

const logger = pino({ level: 'silent' });

async function openHost(path: string): Promise<{ port: SerialPort; lines: string[]; next: () => Promise<string> }> {
  const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const parser = port.pipe(new ReadlineParser({ delimiter: '\r\n' }));
  port.write(`${HOST_LINES.hello}\n`);
  const lines: string[] = [];
  parser.on('data', (l: string) => lines.push(l));
  const next = async () => (await once(parser, 'data'))[0] as string;
  return { port, lines, next };
}

async function close(port: SerialPort): Promise<void> {
  if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
}

describe('serial board link over a real socat pty', () => {
  let dir: TempDir;
  let link: SerialBoardLink;
  beforeEach(async () => {
    dir = await makeTempDir('sim-serial');
    link = new SerialBoardLink({ boardId: 'board-t1', dir: dir.path, logger });
  });
  afterEach(async () => {
    await link.disconnect();
    await dir.remove();
  });

  it('delivers frames the host end decodes, and comes back at the same path after a disconnect', async () => {
    await link.connect();
    expect(link.hostPath).toBe(`${dir.path}/board-t1`);
    const host = await openHost(link.hostPath);
    const frame = { deviceId: 'board-t1', seq: 7, tsMs: 1_772_445_600_000, channels: [{ channel: 0, counts: 123_456 }, { channel: 3, counts: -42 }] };
    const received = host.next();
    expect(await link.write(encodeFrame(frame))).toBe(true);
    expect(decodeFrame(await received)).toEqual({ ok: true, frame });

    const hostClosed = once(host.port, 'close');
    await link.disconnect();
    expect(await link.write(encodeFrame({ ...frame, seq: 8 }))).toBe(false);
    await hostClosed;
    await close(host.port);

    await link.connect();
    const again = await openHost(link.hostPath);
    const next = again.next();
    expect(await link.write(encodeFrame({ ...frame, seq: 9 }))).toBe(true);
    expect(decodeFrame(await next)).toMatchObject({ ok: true, frame: { seq: 9 } });
    await close(again.port);
  });

  it('holds its frames until a host says HELLO and while it has said BYE, then sends them in order', async () => {
    await link.connect();
    const frame = (seq: number) => encodeFrame({ deviceId: 'board-t1', seq, tsMs: 1_772_445_600_000 + seq, channels: [{ channel: 0, counts: seq }] });
    // Written before anybody has the port open (opening flushes the line): the board keeps them.
    const early = [1, 2, 3].map((seq) => link.write(frame(seq)));
    const host = await openHost(link.hostPath);
    expect(await Promise.all(early)).toEqual([true, true, true]);
    expect(await link.write(frame(4))).toBe(true);
    host.port.write(`${HOST_LINES.bye}\n`);
    await waitUntil(() => !link.hostListening, { timeoutMs: 5_000, intervalMs: 10, what: 'the board to hear BYE' });
    const late = link.write(frame(5));
    await waitUntil(() => host.lines.length === 4, { timeoutMs: 5_000, intervalMs: 10, what: 'four frames at the host' });
    host.port.write(`${HOST_LINES.hello}\n`);
    expect(await late).toBe(true);
    await waitUntil(() => host.lines.length === 5, { timeoutMs: 5_000, intervalMs: 10, what: 'the held frame at the host' });
    expect(host.lines.map((l) => (decodeFrame(l) as { ok: true; frame: { seq: number } }).frame.seq)).toEqual([1, 2, 3, 4, 5]);
    await close(host.port);
  });
});
