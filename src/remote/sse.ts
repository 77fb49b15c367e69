/** One Server-Sent Event as dispatched: its type ("message" when the stream names none), data and id. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export interface SseLimits {
  /** The longest line kept, in characters: a longer one is dropped, and the event it belongs to. */
  line: number;
  /** The most data one event may carry (its data lines together), in characters. */
  event: number;
}

/**
 * A server's event is one JSON line (atq serve sends its events so, and drops a client more than 1 MiB
 * behind): anything much longer is not one of them, and must not grow this client's memory without bound.
 */
export const SSE_LIMITS: SseLimits = { line: 4 * 1024 * 1024, event: 4 * 1024 * 1024 };

/** Last-Event-ID goes back in a request header: visible ASCII, and short. */
const EVENT_ID = /^[\x21-\x7e]{0,128}$/;

/**
 * A Server-Sent Events parser (the WHATWG rules: LF, CR or CRLF line ends, `:` comments, multi-line
 * `data`, an event dispatched on a blank line, nothing dispatched without data). Chunks may split lines,
 * and CRLF pairs, anywhere: text is kept until its line is complete, up to `limits`; an event with a line
 * or data over them is dropped whole (counted in `dropped`), and the stream goes on after it.
 * `lastEventId` is what a reconnect sends as Last-Event-ID.
 */
export class SseParser {
  lastEventId = '';
  /** Events dropped for their size. */
  dropped = 0;
  private buffer = '';
  private data: string[] = [];
  private size = 0;
  private event = '';
  private sawCr = false;
  /** Inside a line that went over the limit: its rest is skipped up to its end. */
  private skipping = false;
  /** The event being read had a line or data over the limits: it is not dispatched. */
  private tooLarge = false;

  constructor(private readonly limits: SseLimits = SSE_LIMITS) {}

  push(chunk: string): SseEvent[] {
    let text = chunk;
    // A CR ended the previous chunk: an LF starting this one belongs to it.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1);
    this.sawCr = text.endsWith('\r');
    const lines = (this.skipping ? text : this.buffer + text).split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    const out: SseEvent[] = [];
    for (const [i, line] of lines.entries()) {
      if (i === 0 && this.skipping) {
        // the end of the over-long line
        this.skipping = false;
        continue;
      }
      if (line.length > this.limits.line) {
        this.tooLarge = true;
        continue;
      }
      const e = this.line(line);
      if (e) out.push(e);
    }
    if (this.skipping || this.buffer.length > this.limits.line) {
      this.buffer = '';
      this.skipping = true;
      this.tooLarge = true;
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
    if (field === 'data') this.addData(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && EVENT_ID.test(value)) this.lastEventId = value;
    return undefined;
  }

  private addData(value: string): void {
    this.size += value.length + 1;
    if (this.size > this.limits.event) this.tooLarge = true;
    if (this.tooLarge) this.data = [];
    else this.data.push(value);
  }

  private dispatch(): SseEvent | undefined {
    const { data, tooLarge } = this;
    const event = this.event || 'message';
    this.data = [];
    this.size = 0;
    this.event = '';
    this.tooLarge = false;
    if (tooLarge) {
      this.dropped++;
      return undefined;
    }
    if (!data.length) return undefined;
    return { event, data: data.join('\n'), id: this.lastEventId || undefined };
  }
}
