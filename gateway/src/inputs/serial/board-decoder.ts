import { decodeFrame, readingId, type ChannelCalibration, type Product, type Reading, type Shelf, type Slot } from '@shelfwatch/contracts';
import { ChannelState, DEFAULT_DEBOUNCE, type DebounceOptions } from './channel-state.js';
import { SeqTracker } from './seq-tracker.js';

export interface BoardDecoderOptions {
  storeId: string;
  boardId: string;
  shelf: Shelf;
  products: Map<string, Product>;
  /** Calibration override (tare/calibrate) for a channel, else the layout's. */
  calibrationOf: (channel: number) => ChannelCalibration | undefined;
  debounce?: DebounceOptions;
}

export interface DecodedLine {
  readings: Reading[];
  /** Reasons for every part of the line that was refused (a whole frame or single channels). */
  rejects: { reason: string; detail: string }[];
  /** Frames missed before this one according to the sequence number. */
  missing: number;
  seqReset: boolean;
}

/**
 * Pure: one serial line of a board → normalised readings. Checks the frame (contracts
 * codec), that it comes from this board, the sequence, and maps each channel to its slot.
 */
export class BoardDecoder {
  private readonly seq = new SeqTracker();
  private readonly channels = new Map<number, { slot: Slot; product: Product; state: ChannelState }>();

  constructor(private readonly options: BoardDecoderOptions) {
    for (const slot of options.shelf.slots) {
      const product = options.products.get(slot.sku);
      if (product) this.channels.set(slot.channel, { slot, product, state: new ChannelState(options.debounce ?? DEFAULT_DEBOUNCE) });
    }
  }

  decode(line: string): DecodedLine {
    const out: DecodedLine = { readings: [], rejects: [], missing: 0, seqReset: false };
    const result = decodeFrame(line);
    if (!result.ok) {
      out.rejects.push({ reason: result.reason, detail: result.detail });
      return out;
    }
    const { frame } = result;
    if (frame.deviceId !== this.options.boardId) {
      out.rejects.push({ reason: 'wrong_device', detail: `frame from '${frame.deviceId}' on the port of board '${this.options.boardId}'` });
      return out;
    }
    const seqEvent = this.seq.observe(frame.seq);
    switch (seqEvent.kind) {
      case 'duplicate':
        out.rejects.push({ reason: 'duplicate_seq', detail: `sequence ${frame.seq} repeated` });
        return out;
      case 'gap':
        out.missing = seqEvent.missing;
        break;
      case 'reset':
        out.seqReset = true;
        break;
      case 'first':
      case 'next':
        break;
    }
    for (const { channel, counts } of frame.channels) {
      const ch = this.channels.get(channel);
      const cal = this.options.calibrationOf(channel) ?? ch?.slot.calibration;
      if (!ch || !cal) {
        out.rejects.push({ reason: 'unknown_channel', detail: `channel ${channel} has no slot on shelf ${this.options.shelf.id}` });
        continue;
      }
      const sample = ch.state.update(counts, frame.tsMs, cal, ch.product.unitWeightG);
      out.readings.push({
        kind: 'shelf.weight',
        id: readingId.weight(frame.deviceId, frame.seq, channel),
        storeId: this.options.storeId,
        deviceId: frame.deviceId,
        ts: frame.tsMs,
        shelfId: this.options.shelf.id,
        slotId: ch.slot.id,
        sku: ch.slot.sku,
        channel,
        rawCounts: counts,
        grams: Math.round(sample.grams * 10) / 10,
        units: sample.units,
        stable: sample.stable,
        fault: sample.fault,
      });
    }
    return out;
  }

  lastCounts(channel: number): number | undefined {
    return this.channels.get(channel)?.state.lastCounts;
  }

  hasChannel(channel: number): boolean {
    return this.channels.has(channel);
  }

  resetChannel(channel: number): void {
    this.channels.get(channel)?.state.reset();
  }
}
