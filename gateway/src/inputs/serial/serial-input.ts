import { ChannelCalibration, type Reading } from '@shelfwatch/contracts';
import { HttpError } from '@shelfwatch/service-kit';
import { deviceStatusReading } from '../device-status.js';
import { LastHeard } from '../last-heard.js';
import type { Calibrates, Input, InputContext, InputHealth } from '../input.js';
import { appendUnacknowledged } from '../append-unacknowledged.js';
import { admitEventTimes } from '../event-time-filter.js';
import { RejectLog } from '../reject-log.js';
import { BoardDecoder } from './board-decoder.js';
import type { CalibrationStore} from './calibration-store.js';
import { key } from './calibration-store.js';
import type { DebounceOptions } from './channel-state.js';
import { SerialLink, type PortFactory } from './serial-link.js';

export interface SerialInputOptions {
  context: InputContext;
  boards: Record<string, { path: string; baudRate?: number }>;
  calibrations: CalibrationStore;
  debounce?: DebounceOptions;
  portFactory?: PortFactory;
}

interface Board {
  id: string;
  link: SerialLink;
  decoder: BoardDecoder;
  frames: number;
  /** "Online" waits for the next frame: the board's own time says when it came back. */
  pendingOnline: string | undefined;
}

/** Shelf weight boards on serial lines: frames → calibrated, debounced weight readings. */
export class SerialInput implements Input, Calibrates {
  readonly name = 'serial';
  private readonly boards = new Map<string, Board>();
  private overrides = new Map<string, ChannelCalibration>();
  private readonly rejectLog: RejectLog;
  private readonly lastHeard = new LastHeard();

  constructor(private readonly options: SerialInputOptions) {
    this.rejectLog = new RejectLog(options.context.logger);
  }

  init(): void {
    for (const [boardId, cfg] of Object.entries(this.options.boards)) {
      if (!this.options.context.store.shelvesByBoard.has(boardId)) throw new Error(`serial board '${boardId}' is not in the layout`);
      if (cfg.path.length === 0) throw new Error(`serial board '${boardId}' has no path`);
    }
  }

  async start(): Promise<void> {
    const { store, logger } = this.options.context;
    this.overrides = this.options.calibrations.all();
    for (const [boardId, cfg] of Object.entries(this.options.boards)) {
      const shelf = store.shelvesByBoard.get(boardId)!;
      const decoder = new BoardDecoder({
        storeId: store.storeId,
        boardId,
        shelf,
        products: store.productsBySku,
        calibrationOf: (ch) => this.overrides.get(key(boardId, ch)),
        debounce: this.options.debounce,
      });
      const link = new SerialLink({ path: cfg.path, baudRate: cfg.baudRate ?? 115_200, logger: logger.child({ board: boardId }), factory: this.options.portFactory });
      const board: Board = { id: boardId, link, decoder, frames: 0, pendingOnline: undefined };
      link.on('line', (line) => this.onLine(board, line));
      link.on('open', () => this.status(board, true, 'port open'));
      link.on('down', (reason) => this.status(board, false, reason));
      this.boards.set(boardId, board);
      link.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.boards.values()].map((b) => b.link.stop()));
    this.boards.clear();
  }

  health(): InputHealth {
    const boards = Object.fromEntries([...this.boards.values()].map((b) => [b.id, { open: b.link.up, frames: b.frames }]));
    return { ok: [...this.boards.values()].every((b) => b.link.up), details: { boards } };
  }

  /** Feeds one line as if it came from the board's port (tests and fuzzing go through here). */
  onLine(board: Board, line: string): void {
    const { metrics } = this.options.context;
    const decoded = board.decoder.decode(line);
    for (const r of decoded.rejects) {
      metrics.rejected(this.name, r.reason);
      metrics.frameRejected(board.id, r.reason);
      this.rejectLog.log(`${board.id}:${r.reason}`, { board: board.id, reason: r.reason, detail: r.detail }, 'serial frame rejected');
    }
    if (decoded.missing > 0) {
      metrics.sequenceGap(board.id, decoded.missing);
      this.rejectLog.log(`${board.id}:gap`, { board: board.id, missing: decoded.missing }, 'serial sequence gap');
    }
    const readings = admitEventTimes(this.options.context, this.name, this.rejectLog, decoded.readings);
    if (readings.length === 0) return;
    board.frames += 1;
    if (board.pendingOnline !== undefined) {
      const detail = board.pendingOnline;
      board.pendingOnline = undefined;
      this.append([this.statusReading(board, true, readings[0]!.ts, detail)]);
    }
    for (const r of readings) this.lastHeard.observe(board.id, r.ts);
    metrics.deviceSeen(board.id, this.options.context.clock.now());
    this.append(readings);
  }

  lineHandler(boardId: string): (line: string) => void {
    const board = this.boards.get(boardId);
    if (!board) throw new Error(`unknown board ${boardId}`);
    return (line) => this.onLine(board, line);
  }

  /** Sets the channel's zero to its current raw counts (empty shelf). */
  tare(boardId: string, channel: number): ChannelCalibration {
    const { board, current, counts } = this.channelFor(boardId, channel);
    return this.saveCalibration(board, channel, { offsetCounts: counts, countsPerGram: current.countsPerGram });
  }

  /** Sets the scale from a known weight now on the channel (after a tare). */
  calibrate(boardId: string, channel: number, knownGrams: number): ChannelCalibration {
    if (!Number.isFinite(knownGrams) || knownGrams <= 0) throw new HttpError(400, 'bad_request', 'knownGrams must be a positive number');
    const { board, current, counts } = this.channelFor(boardId, channel);
    const parsed = ChannelCalibration.safeParse({ offsetCounts: current.offsetCounts, countsPerGram: (counts - current.offsetCounts) / knownGrams });
    if (!parsed.success) throw new HttpError(409, 'conflict', `calibration out of range: is the known weight on the shelf and was it tared? (${parsed.error.issues[0]?.message ?? ''})`);
    return this.saveCalibration(board, channel, parsed.data);
  }

  private channelFor(boardId: string, channel: number): { board: Board; current: ChannelCalibration; counts: number } {
    const board = this.boards.get(boardId);
    if (!board) throw new HttpError(404, 'not_found', `no serial board '${boardId}'`);
    if (!board.decoder.hasChannel(channel)) throw new HttpError(404, 'not_found', `board '${boardId}' has no slot on channel ${channel}`);
    const counts = board.decoder.lastCounts(channel);
    if (counts === undefined) throw new HttpError(409, 'conflict', `no reading from board '${boardId}' channel ${channel} yet`);
    const slot = this.options.context.store.shelvesByBoard.get(boardId)!.slots.find((s) => s.channel === channel)!;
    return { board, current: this.overrides.get(key(boardId, channel)) ?? slot.calibration, counts };
  }

  private saveCalibration(board: Board, channel: number, cal: ChannelCalibration): ChannelCalibration {
    this.options.calibrations.set(board.id, channel, cal, this.options.context.clock.now());
    this.overrides.set(key(board.id, channel), cal);
    board.decoder.resetChannel(channel);
    this.options.context.logger.info({ board: board.id, channel, calibration: cal }, 'channel calibration changed');
    return cal;
  }

  /** Online is reported with the next frame (dated by the board); offline at the time the board was last heard. */
  private status(board: Board, online: boolean, detail: string): void {
    this.options.context.metrics.deviceOnline(board.id, online);
    board.pendingOnline = online ? detail : undefined;
    if (online) return;
    const ts = this.lastHeard.lastHeard(board.id, this.options.context.clock.now());
    this.append([this.statusReading(board, false, ts, detail)]);
  }

  private statusReading(board: Board, online: boolean, ts: number, detail: string): Reading {
    return deviceStatusReading({ storeId: this.options.context.store.storeId, deviceId: board.id, deviceKind: 'weight_board', online, ts, detail });
  }

  private append(readings: Reading[]): void {
    appendUnacknowledged(this.options.context, this.name, this.rejectLog, readings, 'serial readings');
  }

}
