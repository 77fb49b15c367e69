import { errorMessage } from '../errors.js';
import type { SwarmClient } from '../swarm/client.js';

/** A task's or service's whole output as text (best effort: a failure is written into the text). */
export async function readLogs(
  client: SwarmClient,
  kind: 'service' | 'task',
  id: string,
  tail?: number,
): Promise<string> {
  const lines: string[] = [];
  try {
    for await (const l of client.logs(kind, id, { follow: false, tail })) {
      lines.push(l.stream === 'stdout' ? l.line : `[${l.stream}] ${l.line}`);
    }
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
