import { describe, expect, it } from 'vitest';
import { sseMessages, type SseMessage } from '../src/sse.js';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const p of parts) yield encoder.encode(p);
}

describe('reading a text/event-stream', () => {
  it('parses messages split anywhere across chunks, multi-line data and comments, and skips keep-alives', async () => {
    const comments: string[] = [];
    const got: SseMessage[] = [];
    const body = chunks(': hello\n\n', 'id: 7\nevent: ta', 'sk\ndata: {"a":1}\n\n', ': ping\n\n', 'event: note\ndata: one\ndata: two\n', '\n', 'data: cut');
    for await (const m of sseMessages(body, (c) => comments.push(c))) got.push(m);
    expect(got).toEqual([
      { id: '7', event: 'task', data: '{"a":1}' },
      { event: 'note', data: 'one\ntwo' },
    ]);
    expect(comments).toEqual(['hello', 'ping']);
  });
});
