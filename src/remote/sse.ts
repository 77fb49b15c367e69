/** One Server-Sent Event as dispatched: its type ("message" when the stream names none), data and id. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * A Server-Sent Events parser (the WHATWG rules: LF, CR or CRLF line ends, `:` comments, multi-line
 * `data`, an event dispatched on a blank line, nothing dispatched without data). Chunks may split lines,
 * and CRLF pairs, anywhere: text is kept until its line is complete. `lastEventId` is what a reconnect
 * sends as Last-Event-ID.
 */
export class SseParser {
  lastEventId = '';
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private sawCr = false;

  push(chunk: string): SseEvent[] {
    let text = chunk;
    // A CR ended the previous chunk: an LF starting this one belongs to it.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1);
    this.sawCr = text.endsWith('\r');
    this.buffer += text;
    const out: SseEvent[] = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) {
      const e = this.line(line);
      if (e) out.push(e);
    }
    return out;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const data = this.data;
    const event = this.event || 'message';
    this.data = [];
    this.event = '';
    if (!data.length) return undefined;
    return { event, data: data.join('\n'), id: this.lastEventId || undefined };
  }
}
