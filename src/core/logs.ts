import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage } from '../errors.js';
import { isLiveLine } from '../jmeter/live-lines.js';
import { findFatalLine } from '../jmeter/log-check.js';
import type { SwarmClient } from '../swarm/api.js';

/** A logs call that has not finished by then is given up (a Docker logs call can hang: moby/moby#38640). */
export const READ_LOGS_MS = 60_000;

/**
 * A task's or service's output, line by line (stderr lines marked), ending with a note of its own when the
 * time limit cut it or the engine failed: best effort, never throws.
 */
export async function* logLines(
  client: SwarmClient,
  kind: 'service' | 'task',
  id: string,
  opts: { tail?: number; limitMs?: number } = {},
): AsyncGenerator<string> {
  const limitMs = opts.limitMs ?? READ_LOGS_MS;
  const signal = AbortSignal.timeout(limitMs);
  // Raced, not only passed on: the call can hang before it has a stream to abort.
  const timedOut = new Promise<'timeout'>((resolve) =>
    signal.addEventListener('abort', () => resolve('timeout'), { once: true }),
  );
  const lines = client.logs(kind, id, { follow: false, tail: opts.tail, signal })[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = lines.next();
      next.catch(() => {}); // a failure after the limit is nobody's to report
      const r = await Promise.race([next, timedOut]);
      if (r === 'timeout') break;
      if (r.done) return;
      yield r.value.stream === 'stdout' ? r.value.line : `[${r.value.stream}] ${r.value.line}`;
    }
  } catch (e) {
    if (!signal.aborted) {
      yield `[atq] could not read logs: ${errorMessage(e)}`;
      return;
    }
  }
  void lines.return(undefined).catch(() => {});
  yield `[atq] stopped reading the logs after ${limitMs / 1000} s`;
}

/** A task's or service's whole output as text (best effort: a failure is written into the text). */
export async function readLogs(
  client: SwarmClient,
  kind: 'service' | 'task',
  id: string,
  tail?: number,
  limitMs = READ_LOGS_MS,
): Promise<string> {
  const lines: string[] = [];
  for await (const line of logLines(client, kind, id, { tail, limitMs })) lines.push(line);
  return lines.join('\n');
}

/**
 * A task's or service's output streamed into `file`, at most `maxBytes` of it (then a note says it was
 * cut): a chatty container's hours of output are neither held in memory nor allowed to fill the disk.
 * The live follower's lines (rows of the results file, which is saved on its own) are left out.
 */
export async function saveLogs(
  client: SwarmClient,
  kind: 'service' | 'task',
  id: string,
  file: string,
  maxBytes = Infinity,
): Promise<void> {
  const out = createWriteStream(file);
  const closed = once(out, 'close');
  let bytes = 0;
  try {
    for await (const line of logLines(client, kind, id)) {
      if (isLiveLine(line)) continue;
      const chunk = Buffer.from(line + '\n');
      bytes += chunk.length;
      if (bytes > maxBytes) {
        out.write(`[atq] the rest of this output was not kept: it is larger than ${maxBytes} bytes\n`);
        break;
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await closed;
  }
}

/** A file's lines, streamed (none when it cannot be read). */
export async function* fileLines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file);
  const failed = once(input, 'error').then(() => true);
  if (await Promise.race([once(input, 'open').then(() => false), failed])) return;
  yield* createInterface({ input, crlfDelay: Infinity });
}

/**
 * What the run's checks read in a log: its first line showing that JMeter could not run the plan as
 * written, and its last lines. Streamed: a log of any size costs `keep` lines of memory.
 */
export async function scanLines(
  lines: AsyncIterable<string>,
  keep = 20,
): Promise<{ fatal?: string; last: string[] }> {
  let fatal: string | undefined;
  const last: string[] = [];
  for await (const line of lines) {
    fatal ??= findFatalLine(line);
    if (!line.trim()) continue;
    last.push(line);
    if (last.length > keep) last.shift();
  }
  return { fatal, last };
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}
