import { ChannelCalibration } from '@shelfwatch/contracts';
import type Database from 'better-sqlite3';

/** Tare/calibrate results, kept in the outbox database so they survive restarts. */
export class CalibrationStore {
  constructor(private readonly db: Database.Database) {}

  all(): Map<string, ChannelCalibration> {
    const rows = this.db.prepare('SELECT board, channel, offset_counts, counts_per_gram FROM calibration').all() as {
      board: string;
      channel: number;
      offset_counts: number;
      counts_per_gram: number;
    }[];
    return new Map(rows.map((r) => [key(r.board, r.channel), { offsetCounts: r.offset_counts, countsPerGram: r.counts_per_gram }]));
  }

  set(board: string, channel: number, cal: ChannelCalibration, atMs: number): void {
    const valid = ChannelCalibration.parse(cal);
    this.db
      .prepare(
        'INSERT INTO calibration (board, channel, offset_counts, counts_per_gram, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(board, channel) DO UPDATE SET offset_counts = excluded.offset_counts, counts_per_gram = excluded.counts_per_gram, updated_at = excluded.updated_at',
      )
      .run(board, channel, valid.offsetCounts, valid.countsPerGram, atMs);
  }
}

export function key(board: string, channel: number): string {
  return `${board}#${channel}`;
}
