import type { LogLine } from '../../src/swarm/demux.js';
import { reset } from './fake-errors.js';
import type { FakeSwarm } from './fake-swarm.js';

export interface LineRecord extends LogLine {
  serviceId: string;
  taskId: string;
}

/**
 * The lines `match` picks, as Docker's logs API serves them: what was printed so far (its last `tail`), then
 * with `follow` every new line until `signal` aborts (the stream then ends quietly) or the engine stops
 * (the stream breaks: ECONNRESET).
 */
export async function* followLines(
  swarm: FakeSwarm,
  match: (r: LineRecord) => boolean,
  opts: { follow: boolean; tail?: number; signal?: AbortSignal },
): AsyncGenerator<LogLine> {
  const queue: LogLine[] = [];
  let broken: Error | undefined;
  let wake = () => {};
  const onLine = (r: LineRecord) => {
    if (!match(r)) return;
    queue.push({ stream: r.stream, line: r.line });
    wake();
  };
  const onDown = () => {
    broken = reset();
    wake();
  };
  const onAbort = () => wake();
  const past = swarm.lines.filter(match).map((r) => ({ stream: r.stream, line: r.line }));
  yield* opts.tail === undefined ? past : past.slice(-opts.tail);
  if (!opts.follow) return;
  swarm.events.on('line', onLine);
  swarm.events.on('down', onDown);
  opts.signal?.addEventListener('abort', onAbort);
  try {
    while (!opts.signal?.aborted) {
      if (broken) throw broken;
      const next = queue.shift();
      if (next) yield next;
      else await new Promise<void>((r) => (wake = r));
    }
  } finally {
    swarm.events.off('line', onLine);
    swarm.events.off('down', onDown);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
