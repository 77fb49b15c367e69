export type StreamName = 'stdin' | 'stdout' | 'stderr' | 'system';
const NAMES: StreamName[] = ['stdin', 'stdout', 'stderr', 'system'];

export interface LogLine {
  stream: StreamName;
  line: string;
}

/**
 * Docker's multiplexed log stream: frames of [type, 0, 0, 0, size (uint32 BE)] + payload. Swarm service
 * logs also use type 3 (system errors), which docker-modem's demuxer drops or garbles, hence our own.
 * Yields whole lines per stream; a partial last line is flushed at the end.
 */
export async function* demuxLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<LogLine> {
  let pending = Buffer.alloc(0);
  const partial = new Map<StreamName, string>();
  for await (const chunk of source) {
    pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    while (pending.length >= 8) {
      const type = pending[0] as number;
      const size = pending.readUInt32BE(4);
      if (type > 3 || pending[1] !== 0 || pending[2] !== 0 || pending[3] !== 0) {
        // Not a multiplexed stream (a TTY container): treat everything as stdout text.
        yield* splitLines('stdout', pending.toString('utf8'), partial);
        pending = Buffer.alloc(0);
        break;
      }
      if (pending.length < 8 + size) break;
      const stream = NAMES[type] as StreamName;
      yield* splitLines(stream, pending.subarray(8, 8 + size).toString('utf8'), partial);
      pending = pending.subarray(8 + size);
    }
  }
  for (const [stream, rest] of partial) if (rest) yield { stream, line: rest };
}

function* splitLines(stream: StreamName, text: string, partial: Map<StreamName, string>): Generator<LogLine> {
  const lines = ((partial.get(stream) ?? '') + text).split('\n');
  partial.set(stream, lines.pop() ?? '');
  for (const line of lines) yield { stream, line: line.replace(/\r$/, '') };
}
