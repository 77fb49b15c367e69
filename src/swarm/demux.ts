import { StringDecoder } from 'node:string_decoder';

export type StreamName = 'stdin' | 'stdout' | 'stderr' | 'system';
const NAMES: StreamName[] = ['stdin', 'stdout', 'stderr', 'system'];

export interface LogLine {
  stream: StreamName;
  line: string;
}

/**
 * Docker's multiplexed log stream: frames of [type, 0, 0, 0, size (uint32 BE)] + payload. Swarm service
 * logs also use type 3 (system errors), which docker-modem's demuxer drops or garbles, hence our own.
 * Yields whole lines per stream; a partial last line is flushed at the end. Each stream has its own UTF-8
 * decoder: a container's write (and so a frame) may end inside a multi-byte character, which the next frame
 * of that stream completes.
 */
export async function* demuxLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<LogLine> {
  let pending = Buffer.alloc(0);
  let raw = false;
  const partial = new Map<StreamName, string>();
  const decoders = new Map<StreamName, StringDecoder>();
  const decode = (stream: StreamName, bytes: Buffer): string => {
    let decoder = decoders.get(stream);
    if (!decoder) decoders.set(stream, (decoder = new StringDecoder('utf8')));
    return decoder.write(bytes);
  };
  for await (const chunk of source) {
    pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    while (pending.length >= 8 || (raw && pending.length > 0)) {
      const type = pending[0] as number;
      if (raw || type > 3 || pending[1] !== 0 || pending[2] !== 0 || pending[3] !== 0) {
        // Not a multiplexed stream (a TTY container): everything from here on is stdout text.
        raw = true;
        yield* splitLines('stdout', decode('stdout', pending), partial);
        pending = Buffer.alloc(0);
        break;
      }
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const stream = NAMES[type] as StreamName;
      yield* splitLines(stream, decode(stream, pending.subarray(8, 8 + size)), partial);
      pending = pending.subarray(8 + size);
    }
  }
  // A TTY container's output shorter than one header never entered the loop above.
  if (!raw && pending.length > 0 && (pending[0] as number) > 3)
    yield* splitLines('stdout', decode('stdout', pending), partial);
  for (const [stream, decoder] of decoders) partial.set(stream, (partial.get(stream) ?? '') + decoder.end());
  for (const [stream, rest] of partial) if (rest) yield { stream, line: rest };
}

/**
 * A container that prints without line breaks must not grow a line without bound: past this many characters
 * the line so far is passed on as one, and the rest continues as the next.
 */
export const MAX_LINE = 1024 * 1024;

function* splitLines(stream: StreamName, text: string, partial: Map<StreamName, string>): Generator<LogLine> {
  const lines = ((partial.get(stream) ?? '') + text).split('\n');
  let rest = lines.pop() ?? '';
  for (const line of lines) yield* capped(stream, line.replace(/\r$/, ''));
  while (rest.length > MAX_LINE) {
    yield { stream, line: rest.slice(0, MAX_LINE) };
    rest = rest.slice(MAX_LINE);
  }
  partial.set(stream, rest);
}

function* capped(stream: StreamName, line: string): Generator<LogLine> {
  for (let i = 0; i < line.length || i === 0; i += MAX_LINE)
    yield { stream, line: line.slice(i, i + MAX_LINE) };
}
