/** One Server-Sent Events message, with the fields the backend writes. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * The messages of a text/event-stream body as they arrive (the subset of the SSE format the
 * backend writes: `id: `, `event: `, `data: ` lines, a blank line ending each message). Comment
 * lines (`:`) go to `onComment`; a block without data (a keep-alive) is no message. Ends with
 * the stream; an aborted fetch ends it with the abort's error.
 */
export async function* sseMessages(body: AsyncIterable<Uint8Array>, onComment?: (text: string) => void): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const msg: SseMessage = { data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) onComment?.(line.slice(1).trim());
        else if (line.startsWith('id: ')) msg.id = line.slice(4);
        else if (line.startsWith('event: ')) msg.event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length === 0) continue;
      msg.data = data.join('\n');
      yield msg;
    }
  }
}
