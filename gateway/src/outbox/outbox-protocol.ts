/** Messages between the outbox (serving thread) and its writer thread. */

export interface WriterInit {
  path: string;
  /** Sinks that own a cursor; a new sink starts at the beginning of what is still stored. */
  sinks: string[];
  /** Rows per transaction at most: bounds how long one commit (and so one acknowledgement) can take. */
  maxRowsPerCommit: number;
  /** Delivered rows deleted per transaction at most, for the same reason. */
  compactRowsPerCommit: number;
}

export type ToWriter =
  /** One group of readings, serialised on the serving thread: ids[i] and bodies[i] are one row. */
  | { t: 'append'; ids: string[]; bodies: string[]; at: number; newestDataTs: number | null }
  | { t: 'cursors'; cursors: [sink: string, seq: number][] }
  | { t: 'dead'; sink: string; rows: { seq: number; id: string; body: string }[]; error: string; at: number }
  | { t: 'close' };

export type FromWriter =
  | { t: 'ready'; lastSeq: number; cursors: [sink: string, seq: number][] }
  /** The first `appends` append messages not yet answered are durable; the last has seq `lastSeq`. */
  | { t: 'committed'; appends: number; lastSeq: number }
  | { t: 'failed'; appends: number; error: string }
  | { t: 'closed' };
