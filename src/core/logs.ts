import { errorMessage } from '../errors.js';
import type { SwarmClient } from '../swarm/client.js';
import { within } from '../util/abort.js';

/** A logs call that has not finished by then is given up (a Docker logs call can hang: moby/moby#38640). */
export const READ_LOGS_MS = 60_000;

/** A task's or service's whole output as text (best effort: a failure is written into the text). */
export async function readLogs(
  client: SwarmClient,
  kind: 'service' | 'task',
  id: string,
  tail?: number,
  limitMs = READ_LOGS_MS,
): Promise<string> {
  const lines: string[] = [];
  const signal = AbortSignal.timeout(limitMs);
  const reading = (async () => {
    for await (const l of client.logs(kind, id, { follow: false, tail, signal })) {
      lines.push(l.stream === 'stdout' ? l.line : `[${l.stream}] ${l.line}`);
    }
  })();
  reading.catch(() => {}); // a failure after the limit is nobody's to report
  try {
    if (!(await within(limitMs, reading)))
      lines.push(`[atq] stopped reading the logs after ${limitMs / 1000} s`);
  } catch (e) {
    lines.push(`[atq] could not read logs: ${errorMessage(e)}`);
  }
  return lines.join('\n');
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}
