import { encodeFrame, type ChannelCounts } from '@shelfwatch/contracts';
import type { Rng } from '../world/rng.js';

export interface BoardFirmwareOptions {
  boardId: string;
  deadbandCounts: number;
  heartbeatMs: number;
  rng: Rng;
}

export type BoardOutput =
  | { kind: 'frame'; line: string; seq: number; channels: number }
  /** Written to the line but deliberately damaged: the gateway must reject it. */
  | { kind: 'corrupt'; line: string; seq: number; channels: number }
  /** Lost on the line: never written; the sequence gap is what the gateway sees. */
  | { kind: 'dropped'; seq: number; channels: number };

/**
 * Reporting logic of a shelf board: a channel goes into the next frame when it has moved
 * beyond the deadband since it was last reported, or when its heartbeat is due. Pure.
 */
export class BoardFirmware {
  private seq = 0;
  private readonly last = new Map<number, { counts: number; atMs: number }>();

  constructor(private readonly opts: BoardFirmwareOptions) {}

  get boardId(): string {
    return this.opts.boardId;
  }

  /** One sampling tick: returns the frame to send, if any channel is due. */
  tick(nowMs: number, samples: ChannelCounts[], faults: { corruptRate: number; dropRate: number }): BoardOutput | null {
    const due = samples.filter((s) => {
      const prev = this.last.get(s.channel);
      return !prev || Math.abs(s.counts - prev.counts) > this.opts.deadbandCounts || nowMs - prev.atMs >= this.opts.heartbeatMs;
    });
    if (due.length === 0) return null;
    for (const s of due) this.last.set(s.channel, { counts: s.counts, atMs: nowMs });
    const seq = this.seq;
    this.seq = (this.seq + 1) >>> 0;
    // Draw both fault dice every frame so a fault on one board never shifts another's stream.
    const dropRoll = this.opts.rng.next();
    const corruptRoll = this.opts.rng.next();
    if (dropRoll < faults.dropRate) return { kind: 'dropped', seq, channels: due.length };
    const line = encodeFrame({ deviceId: this.opts.boardId, seq, tsMs: nowMs, channels: due });
    if (corruptRoll < faults.corruptRate) return { kind: 'corrupt', line: corrupt(line, this.opts.rng), seq, channels: due.length };
    return { kind: 'frame', line, seq, channels: due.length };
  }

  /** After a reconnect every channel reports again, as real firmware does on link-up. */
  forceFullReport(): void {
    this.last.clear();
  }
}

/** Line noise: one digit inside the body changes, the checksum does not. */
export function corrupt(line: string, rng: Rng): string {
  const star = line.lastIndexOf('*');
  const digits: number[] = [];
  for (let i = line.indexOf(',') + 1; i < star; i++) if (/[0-9]/.test(line[i]!)) digits.push(i);
  const at = digits.length > 0 ? rng.pick(digits) : 1;
  const old = line[at]!;
  const replacement = String((Number(old) + 1 + rng.int(0, 8)) % 10);
  return `${line.slice(0, at)}${replacement === old ? 'x' : replacement}${line.slice(at + 1)}`;
}
