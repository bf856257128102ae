import { rm } from 'node:fs/promises';
import path from 'node:path';
import { encodeFrame, type StoreLayout } from '@shelfwatch/contracts';
import { startPtyPair, type PtyPair } from '@shelfwatch/firmware-sim/transports';
import { SerialPort } from 'serialport';

interface Board {
  id: string;
  pair: PtyPair;
  port: SerialPort;
  seq: number;
  /** channel → counts of a fully stocked slot (steady, so no task is raised). */
  counts: { channel: number; counts: number }[];
  pending: number;
}

/**
 * Weight boards on socat pty pairs: every shelf's board writes one frame with all its
 * channels (the contracts' frame codec) at the requested rate, as the firmware does.
 */
export class SerialLoad {
  private boards: Board[] = [];
  /** Readings in frames handed to the OS (what a UART has sent). */
  sent = 0;

  constructor(private readonly ctx: { layout: StoreLayout; dir: string }) {}

  /** Host ends for the gateway config, by board id. */
  endpoints(): Record<string, { path: string }> {
    return Object.fromEntries(this.boards.map((b) => [b.id, { path: b.pair.b }]));
  }

  readingsPerFrame(): number {
    return this.boards[0]?.counts.length ?? 0;
  }

  async start(): Promise<void> {
    const unitWeight = new Map(this.ctx.layout.products.map((p) => [p.sku, p.unitWeightG]));
    const shelves = [...this.ctx.layout.shelves];
    // A few socat processes at a time: two shared cores.
    for (let i = 0; i < shelves.length; i += 8) {
      const started = await Promise.all(
        shelves.slice(i, i + 8).map(async (shelf): Promise<Board> => {
          const names: [string, string] = [`${shelf.boardId}.dev`, shelf.boardId];
          await rm(path.join(this.ctx.dir, names[1]), { force: true });
          const pair = await startPtyPair({ dir: this.ctx.dir, names });
          const port = new SerialPort({ path: pair.a, baudRate: 115_200, autoOpen: false });
          await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
          port.on('error', () => undefined);
          const counts = shelf.slots.map((slot) => ({
            channel: slot.channel,
            counts: Math.round(slot.calibration.offsetCounts + slot.calibration.countsPerGram * (unitWeight.get(slot.sku) ?? 100) * slot.capacity),
          }));
          return { id: shelf.boardId, pair, port, seq: 0, counts, pending: 0 };
        }),
      );
      this.boards.push(...started);
    }
  }

  /** One frame from every board; a board whose line is not drained skips (as a UART would lose it). */
  tick(): void {
    const ts = Date.now();
    for (const board of this.boards) {
      if (board.pending >= 16) continue;
      board.pending++;
      const line = encodeFrame({ deviceId: board.id, seq: board.seq++, tsMs: ts, channels: board.counts });
      const readings = board.counts.length;
      board.port.write(line, (err) => {
        board.pending--;
        if (!err) this.sent += readings;
      });
    }
  }

  async drainWrites(): Promise<void> {
    while (this.boards.some((b) => b.pending > 0)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async stop(): Promise<void> {
    for (const b of this.boards) {
      if (b.port.isOpen) await new Promise<void>((resolve) => b.port.close(() => resolve()));
      await b.pair.stop().catch(() => undefined);
    }
    this.boards = [];
  }
}
