import { Transform, type TransformCallback } from 'node:stream';

/** A packet declared bigger than the cap: the connection is closed before its body is read. */
export class PacketTooLargeError extends Error {
  override readonly name = 'PacketTooLargeError';
  constructor(
    readonly declaredBytes: number,
    readonly maxBytes: number,
  ) {
    super(`MQTT packet of ${declaredBytes} bytes refused (cap ${maxBytes} bytes)`);
  }
}

/** A remaining length longer than MQTT's four bytes. */
export class MalformedLengthError extends Error {
  override readonly name = 'MalformedLengthError';
  constructor() {
    super('malformed MQTT remaining length');
  }
}

type State = { at: 'type' } | { at: 'length'; value: number; multiplier: number; bytes: number } | { at: 'body'; remaining: number };

/**
 * Sits between a device's socket and the broker and reads only each MQTT packet's fixed
 * header (type byte, then the "remaining length" varint) as bytes stream by. aedes (via
 * mqtt-packet) has no size limit: it buffers a packet until its declared length has
 * arrived, so a device announcing 250 MB would make us hold 250 MB. Here the connection
 * fails the moment an oversized length is read, before any of its body is buffered.
 * Bytes pass through unchanged and unbuffered; packet bodies are skipped by count.
 */
export class PacketSizeGuard extends Transform {
  private state: State = { at: 'type' };

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      const s = this.state;
      if (s.at === 'body') {
        const take = Math.min(s.remaining, chunk.length - i);
        i += take;
        s.remaining -= take;
        if (s.remaining === 0) this.state = { at: 'type' };
        continue;
      }
      const byte = chunk[i++]!;
      if (s.at === 'type') {
        this.state = { at: 'length', value: 0, multiplier: 1, bytes: 0 };
        continue;
      }
      s.value += (byte & 0x7f) * s.multiplier;
      s.multiplier *= 128;
      s.bytes += 1;
      if (s.value > this.maxBytes) {
        callback(new PacketTooLargeError(s.value, this.maxBytes));
        return;
      }
      if (byte & 0x80) {
        // MQTT's remaining length has at most 4 bytes; mqtt-packet refuses more, so do we.
        if (s.bytes === 4) {
          callback(new MalformedLengthError());
          return;
        }
        continue;
      }
      this.state = s.value === 0 ? { at: 'type' } : { at: 'body', remaining: s.value };
    }
    callback(null, chunk);
  }
}
