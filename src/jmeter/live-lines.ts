import { indexColumns, type ColumnIndex } from '../results/jtl/columns.js';
import { CsvTokenizer, fieldFirstByte, fieldInt, fieldText, type CsvRecord } from '../results/jtl/csv.js';
import { liveLabel, type LiveRow } from '../results/live.js';
import { LIVE_PREFIX } from './live-script.js';

/**
 * Reads the live follower's lines (live-script.ts) out of a container's output. That output is untrusted
 * (a plan's labels, or a hostile image, print whatever they like): every line is bounded, a row that does
 * not read is counted as `bad` and never throws, and the state kept per follower is bounded too.
 */
export type LiveLine =
  /**
   * What a line of the JTL (a header, a part of a quoted row) or a batch of them held: the rows that read,
   * how many did not, and how many lines of the JTL that was (the master's drain counts them).
   */
  | { kind: 'rows'; rows: LiveRow[]; bad: number; lines: number }
  | { kind: 'off'; reason: string }
  | { kind: 'end'; slot: string };

const BAD: LiveLine = { kind: 'rows', rows: [], bad: 1, lines: 1 };
const STATE: LiveLine = { kind: 'rows', rows: [], bad: 0, lines: 1 };

export const LIVE_LINE_LIMITS = {
  /** A follower's line; longer ones are bad (a row's message can be long: it is in the JTL anyway). */
  chars: 64 * 1024,
  /** A quoted row spread over lines: past this, its lines are dropped as bad. */
  recordBytes: 256 * 1024,
  /** Followers (engine slots) told apart. */
  followers: 1000,
  /** Characters of a row's host kept for telling the workers apart. */
  hostChars: 200,
};

/** `atq-live[:slot] kind payload`; the slot is a task slot (digits). */
const LINE = new RegExp(`^${LIVE_PREFIX}(?::(\\d{1,9}))? (h|b|q|off|end)(?: (.*))?$`, 's');

const START = new RegExp(`^${LIVE_PREFIX}(?::\\d{1,9})? (?:h|b|q|off|end)(?: |$)`);

/** Whether a line of a container's output is the live follower's (kept out of consoles and saved logs). */
export function isLiveLine(line: string): boolean {
  return line.startsWith(LIVE_PREFIX) && START.test(line);
}

/** What one follower (the master's, or one engine's) has said so far. */
class Follower {
  columns?: ColumnIndex;
  delimiter = 0x2c;
  tokenizer?: CsvTokenizer;
  pendingBytes = 0;
  /** Rows from the quoted path, handed out by quotedLine(). */
  readonly rows: LiveRow[] = [];
  bad = 0;

  constructor(readonly slot: string) {}
}

export class LiveLineReader {
  private readonly followers = new Map<string, Follower>();

  /** The line as the follower's, or undefined when it is not one of its lines (ordinary console output). */
  read(line: string): LiveLine | undefined {
    if (!line.startsWith(LIVE_PREFIX)) return undefined;
    if (line.length > LIVE_LINE_LIMITS.chars) return BAD;
    const m = LINE.exec(line);
    if (!m) return undefined;
    const slot = m[1] ?? '';
    const kind = m[2] as string;
    const payload = m[3] ?? '';
    if (kind === 'end') return { kind: 'end', slot };
    if (kind === 'off') return { kind: 'off', reason: payload.slice(0, 200) };
    const f = this.follower(slot);
    if (!f) return BAD;
    if (kind === 'h') return this.header(f, payload);
    if (kind === 'b') return batch(f, payload);
    return this.quoted(f, payload);
  }

  private follower(slot: string): Follower | undefined {
    let f = this.followers.get(slot);
    if (!f && this.followers.size < LIVE_LINE_LIMITS.followers)
      this.followers.set(slot, (f = new Follower(slot)));
    return f;
  }

  private header(f: Follower, header: string): LiveLine {
    const delimiter = header.charCodeAt(9);
    const names = header.split(header.charAt(9));
    const columns = indexColumns(names);
    if (header.length < 10 || columns.elapsed < 0 || columns.label < 0 || columns.success < 0) return BAD;
    f.columns = columns;
    f.delimiter = delimiter;
    f.tokenizer = undefined;
    return STATE;
  }

  /** Lines of rows with quotes, joined by RS: the rows whose records they complete. */
  private quoted(f: Follower, payload: string): LiveLine {
    const out: LiveLine = { kind: 'rows', rows: [], bad: 0, lines: 0 };
    for (const text of payload.split('\x1e')) {
      const part = this.quotedLine(f, text);
      out.rows.push(...part.rows);
      out.bad += part.bad;
      out.lines++;
    }
    return out;
  }

  private quotedLine(f: Follower, text: string): { rows: LiveRow[]; bad: number } {
    const columns = f.columns;
    if (!columns) return { rows: [], bad: 1 };
    f.tokenizer ??= new CsvTokenizer((r) => {
      const row = quotedRow(f, r, columns);
      if (row) f.rows.push(row);
      else f.bad++;
    }, f.delimiter);
    f.pendingBytes += text.length + 1;
    try {
      f.tokenizer.push(Buffer.from(text + '\n'));
    } catch {
      f.tokenizer = undefined; // more fields than any JTL has: start afresh with the next line
      f.pendingBytes = 0;
      return { rows: [], bad: 1 };
    }
    const rows = f.rows.splice(0);
    const bad = f.bad;
    f.bad = 0;
    if (rows.length || bad) f.pendingBytes = 0;
    else if (f.pendingBytes > LIVE_LINE_LIMITS.recordBytes) {
      // A quote that never closes: whatever follows would be read as part of it.
      f.tokenizer = undefined;
      f.pendingBytes = 0;
      return { rows: [], bad: 1 };
    }
    return { rows, bad };
  }
}

/** Rows joined by RS (\x1e): one per line of the JTL. */
function batch(f: Follower, payload: string): LiveLine {
  const out: LiveLine = { kind: 'rows', rows: [], bad: 0, lines: 0 };
  for (const text of payload.split('\x1e')) {
    const row = plainRow(f, text);
    if (row) out.rows.push(row);
    else out.bad++;
    out.lines++;
  }
  return out;
}

/** `ts,elapsed,ok,threads,host,label` (the label last: it may hold commas when the delimiter is another). */
function plainRow(f: Follower, payload: string): LiveRow | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const comma = payload.indexOf(',', from);
    if (comma < 0) return undefined;
    parts.push(payload.slice(from, comma));
    from = comma + 1;
  }
  const [ts, elapsed, ok, threads, host] = parts as [string, string, string, string, string];
  return liveRow({
    ts: int(ts),
    elapsed: int(elapsed),
    success: ok === '1' ? true : ok === '0' ? false : undefined,
    threads: threads === '' ? 0 : int(threads),
    host,
    label: payload.slice(from),
    slot: f.slot,
  });
}

function quotedRow(f: Follower, r: CsvRecord, c: ColumnIndex): LiveRow | undefined {
  const first = fieldFirstByte(r, c.success);
  return liveRow({
    ts: fieldInt(r, 0),
    elapsed: fieldInt(r, c.elapsed),
    success: first === 0x74 ? true : first === 0x66 ? false : undefined,
    threads: c.allThreads < 0 ? 0 : fieldInt(r, c.allThreads),
    host: c.hostname < 0 ? '' : fieldText(r, c.hostname).slice(0, LIVE_LINE_LIMITS.hostChars),
    label: fieldText(r, c.label),
    slot: f.slot,
  });
}

function liveRow(v: {
  ts: number;
  elapsed: number;
  success: boolean | undefined;
  threads: number;
  host: string;
  label: string;
  slot: string;
}): LiveRow | undefined {
  if (!(v.ts > 0) || !(v.elapsed >= 0) || v.success === undefined || !(v.threads >= 0)) return undefined;
  return {
    ts: v.ts,
    elapsed: v.elapsed,
    success: v.success,
    threads: v.threads,
    label: liveLabel(v.label),
    source: `${v.slot}/${v.host.slice(0, LIVE_LINE_LIMITS.hostChars)}`,
  };
}

/** A whole decimal number (at most 15 digits), or NaN. */
function int(text: string): number {
  return /^\d{1,15}$/.test(text) ? Number(text) : NaN;
}
