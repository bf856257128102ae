/**
 * Serial frame format of a shelf weight board (one board per shelf, one HX711-style
 * load-cell channel per planogram slot), 115200 8N1, one ASCII line per frame:
 *
 *   $SW1,<deviceId>,<seq>,<tsMs>,<ch>:<counts>[;<ch>:<counts>...]*<CRC>\r\n
 *
 * - deviceId: the board's id (see ids.ts)
 * - seq:      uint32 frame sequence number, +1 per frame, wraps at 2^32
 * - tsMs:     board clock, ms since the Unix epoch (boards are time-synced by the gateway)
 * - ch:       channel index 0..63; only channels that moved beyond the board's deadband,
 *             or are due a heartbeat, are listed (at least one)
 * - counts:   signed 24-bit raw ADC counts (-8388608..8388607); the two rails mean the
 *             amplifier saturated, which the gateway treats as a channel fault
 * - CRC:      CRC-16/CCITT-FALSE over every byte between '$' and '*', four UPPERCASE hex digits
 *
 * A CRC rather than NMEA's XOR: XOR misses two flips in the same bit column, and a
 * checksum that lets corrupted counts through would turn line noise into phantom sales.
 */

export const FRAME_PREFIX = 'SW1';

/**
 * The host's side of the line (gateway → board), one ASCII line each. A board sends frames
 * only while a host listens, like a USB CDC device that waits for DTR (which a pseudo-terminal
 * cannot carry, so the host says it in words): frames it makes before `HELLO` or after `BYE`
 * are kept in its buffer and sent, in order, after the next `HELLO`. Without this the frames
 * of the moments between a re-plug and the host opening the port (which flushes its input)
 * would be lost. A host that dies without `BYE` loses what the board sent into the void.
 * `HELLO` is idempotent, and the host repeats it while the line stays silent: the board's end
 * flushes its input when it opens too, so a board that comes up after the host may miss the first.
 */
export const HOST_LINES = { hello: 'HELLO', bye: 'BYE' } as const;
export const MAX_FRAME_LENGTH = 1024;
export const MAX_CHANNELS = 64;
export const COUNTS_MIN = -8_388_608;
export const COUNTS_MAX = 8_388_607;

export interface ChannelCounts {
  channel: number;
  counts: number;
}

export interface WeightFrame {
  deviceId: string;
  seq: number;
  tsMs: number;
  channels: ChannelCounts[];
}

export type FrameRejectReason =
  | 'empty'
  | 'too_long'
  | 'non_ascii'
  | 'bad_start'
  | 'no_checksum'
  | 'bad_checksum_format'
  | 'checksum_mismatch'
  | 'bad_prefix'
  | 'bad_field_count'
  | 'bad_device_id'
  | 'bad_seq'
  | 'bad_timestamp'
  | 'bad_channel'
  | 'duplicate_channel'
  | 'bad_counts';

export const FRAME_REJECT_REASONS: readonly FrameRejectReason[] = [
  'empty',
  'too_long',
  'non_ascii',
  'bad_start',
  'no_checksum',
  'bad_checksum_format',
  'checksum_mismatch',
  'bad_prefix',
  'bad_field_count',
  'bad_device_id',
  'bad_seq',
  'bad_timestamp',
  'bad_channel',
  'duplicate_channel',
  'bad_counts',
];

export type DecodeResult =
  | { ok: true; frame: WeightFrame }
  | { ok: false; reason: FrameRejectReason; detail: string };

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[i] = crc;
  }
  return table;
})();

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over the char codes of an ASCII string. */
export function crc16(text: string): number {
  let crc = 0xffff;
  for (let i = 0; i < text.length; i++) {
    crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >> 8) ^ text.charCodeAt(i)) & 0xff] ?? 0);
  }
  return crc;
}

function crcHex(body: string): string {
  return crc16(body).toString(16).toUpperCase().padStart(4, '0');
}

const DEVICE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const UINT = /^(0|[1-9][0-9]*)$/;
const INT = /^(0|-?[1-9][0-9]*)$/;
const CRC_FORMAT = /^[0-9A-F]{4}$/;

/** Encodes a frame; throws on values the format cannot carry (a programming error, not input). */
export function encodeFrame(frame: WeightFrame): string {
  if (!DEVICE_ID.test(frame.deviceId)) throw new RangeError(`bad device id ${frame.deviceId}`);
  if (!Number.isInteger(frame.seq) || frame.seq < 0 || frame.seq > 0xffff_ffff) throw new RangeError('bad seq');
  if (!Number.isInteger(frame.tsMs) || frame.tsMs < 0) throw new RangeError('bad tsMs');
  if (frame.channels.length === 0 || frame.channels.length > MAX_CHANNELS) throw new RangeError('bad channel list');
  const seen = new Set<number>();
  const parts = frame.channels.map(({ channel, counts }) => {
    if (!Number.isInteger(channel) || channel < 0 || channel >= MAX_CHANNELS || seen.has(channel)) {
      throw new RangeError(`bad channel ${channel}`);
    }
    seen.add(channel);
    if (!Number.isInteger(counts) || counts < COUNTS_MIN || counts > COUNTS_MAX) throw new RangeError(`bad counts ${counts}`);
    return `${channel}:${counts}`;
  });
  const body = `${FRAME_PREFIX},${frame.deviceId},${frame.seq},${frame.tsMs},${parts.join(';')}`;
  return `$${body}*${crcHex(body)}\r\n`;
}

function reject(reason: FrameRejectReason, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

/**
 * Decodes one line (with or without its CR/LF terminator). Never throws: every malformed
 * input comes back as a reason the gateway can count per board.
 */
export function decodeFrame(input: string): DecodeResult {
  const line = input.endsWith('\r\n') ? input.slice(0, -2) : input.endsWith('\n') || input.endsWith('\r') ? input.slice(0, -1) : input;
  if (line.length === 0) return reject('empty', 'empty line');
  if (line.length > MAX_FRAME_LENGTH) return reject('too_long', `line of ${line.length} chars exceeds ${MAX_FRAME_LENGTH}`);
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return reject('non_ascii', `byte 0x${code.toString(16)} at offset ${i}`);
  }
  if (line[0] !== '$') return reject('bad_start', `frame must start with '$', got '${line[0] ?? ''}'`);
  const star = line.lastIndexOf('*');
  if (star < 0) return reject('no_checksum', "no '*' before the checksum");
  const body = line.slice(1, star);
  const crc = line.slice(star + 1);
  if (!CRC_FORMAT.test(crc)) return reject('bad_checksum_format', `checksum '${crc}' is not 4 uppercase hex digits`);
  const expected = crcHex(body);
  if (crc !== expected) return reject('checksum_mismatch', `checksum ${crc} != computed ${expected}`);

  const fields = body.split(',');
  if (fields.length !== 5) return reject('bad_field_count', `expected 5 comma-separated fields, got ${fields.length}`);
  const [prefix, deviceId, seqText, tsText, channelText] = fields as [string, string, string, string, string];
  if (prefix !== FRAME_PREFIX) return reject('bad_prefix', `unknown frame type '${prefix}'`);
  if (!DEVICE_ID.test(deviceId)) return reject('bad_device_id', `bad device id '${deviceId}'`);
  if (!UINT.test(seqText) || Number(seqText) > 0xffff_ffff) return reject('bad_seq', `bad sequence number '${seqText}'`);
  if (!UINT.test(tsText) || tsText.length > 15) return reject('bad_timestamp', `bad timestamp '${tsText}'`);

  const entries = channelText.split(';');
  if (entries.length > MAX_CHANNELS) return reject('bad_channel', `more than ${MAX_CHANNELS} channels`);
  const channels: ChannelCounts[] = [];
  const seen = new Set<number>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const chText = colon < 0 ? entry : entry.slice(0, colon);
    if (colon < 0 || !UINT.test(chText) || Number(chText) >= MAX_CHANNELS) {
      return reject('bad_channel', `bad channel entry '${entry}'`);
    }
    const channel = Number(chText);
    if (seen.has(channel)) return reject('duplicate_channel', `channel ${channel} listed twice`);
    seen.add(channel);
    const countsText = entry.slice(colon + 1);
    const counts = Number(countsText);
    if (!INT.test(countsText) || counts < COUNTS_MIN || counts > COUNTS_MAX) {
      return reject('bad_counts', `channel ${channel}: counts '${countsText}' outside signed 24-bit`);
    }
    channels.push({ channel, counts });
  }
  return { ok: true, frame: { deviceId, seq: Number(seqText), tsMs: Number(tsText), channels } };
}

/** True when the amplifier sits on a rail: a broken load cell or wiring, not a weight. */
export function isSaturated(counts: number): boolean {
  return counts <= COUNTS_MIN || counts >= COUNTS_MAX;
}
