import { gunzipSync } from 'node:zlib';
import { FRAME } from './engine-script.js';

export interface EngineOutput {
  /** The files the engine framed (jtl, log), when their frame ended. */
  files: Map<string, Buffer>;
  /** Frames that began and never ended (the container was killed while printing). */
  truncated: string[];
  /** Everything else the engine printed: its console output. */
  console: string[];
}

const FRAME_LINE = new RegExp(`^${FRAME} (\\w+) (begin|end)$`);

/** Splits an engine's output into its framed files and the rest. */
export function readEngineOutput(lines: Iterable<string>): EngineOutput {
  const out: EngineOutput = { files: new Map(), truncated: [], console: [] };
  let kind: string | undefined;
  let data: string[] = [];
  for (const line of lines) {
    const m = FRAME_LINE.exec(line);
    if (m && m[2] === 'begin') {
      kind = m[1];
      data = [];
    } else if (m && kind === m[1]) {
      out.files.set(
        kind as string,
        data.length ? gunzipSync(Buffer.from(data.join(''), 'base64')) : Buffer.alloc(0),
      );
      kind = undefined;
    } else if (kind && line.startsWith(`${FRAME}-data `)) {
      data.push(line.slice(FRAME.length + 6));
    } else {
      out.console.push(line);
    }
  }
  if (kind) out.truncated.push(kind);
  return out;
}
