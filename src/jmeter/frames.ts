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

/** One line of an engine's output, as FrameParser reads it. */
export type FramePart =
  | { kind: 'console'; line: string }
  | { kind: 'begin'; frame: string }
  /** A piece of the frame's gzip stream. */
  | { kind: 'data'; frame: string; bytes: Buffer }
  | { kind: 'end'; frame: string };

const FRAME_LINE = new RegExp(`^${FRAME} (\\w+) (begin|end)$`);
const DATA = `${FRAME}-data `;

/**
 * Reads an engine's output line by line, so a caller can stream each framed file to disk instead of
 * holding a whole JTL (or what a hostile container claims is one) in memory.
 */
export class FrameParser {
  private open: string | undefined;
  /** Base64 characters of a line that did not end on a 4-character group: decoded with the next line's. */
  private carry = '';

  /** The frame that began and has not ended (a killed container), if any. */
  get unfinished(): string | undefined {
    return this.open;
  }

  line(line: string): FramePart {
    const m = FRAME_LINE.exec(line);
    if (m && m[2] === 'begin') {
      this.open = m[1] as string;
      this.carry = '';
      return { kind: 'begin', frame: this.open };
    }
    if (m && this.open === m[1]) {
      this.open = undefined;
      return { kind: 'end', frame: m[1] as string };
    }
    if (this.open && line.startsWith(DATA)) {
      const text = this.carry + line.slice(DATA.length).trim();
      const whole = text.length - (text.length % 4);
      this.carry = text.slice(whole);
      return { kind: 'data', frame: this.open, bytes: Buffer.from(text.slice(0, whole), 'base64') };
    }
    return { kind: 'console', line };
  }
}

/**
 * Splits an engine's output into its framed files and the rest, in memory: for output known to be small.
 * Each file inflates to at most `maxFileBytes` (a small gzip can claim gigabytes); beyond, it throws.
 */
export function readEngineOutput(lines: Iterable<string>, maxFileBytes = 64 * 1024 * 1024): EngineOutput {
  const out: EngineOutput = { files: new Map(), truncated: [], console: [] };
  const parser = new FrameParser();
  let data: Buffer[] = [];
  for (const line of lines) {
    const part = parser.line(line);
    if (part.kind === 'begin') data = [];
    else if (part.kind === 'data') data.push(part.bytes);
    else if (part.kind === 'end')
      out.files.set(
        part.frame,
        data.length ? gunzipSync(Buffer.concat(data), { maxOutputLength: maxFileBytes }) : Buffer.alloc(0),
      );
    else out.console.push(part.line);
  }
  if (parser.unfinished) out.truncated.push(parser.unfinished);
  return out;
}
