import { cutText } from './sample.js';

/**
 * A streaming CSV tokenizer over bytes, fast enough for millions of JTL rows: it records where each field
 * starts and ends and hands the record to a callback without making strings; the consumer decodes only
 * the fields it needs. Handles quoted fields with commas, doubled quotes, CR LF and newlines in quotes.
 */
export interface CsvRecord {
  buf: Buffer;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  /** 1 when the field was quoted (and may hold doubled quotes). */
  quoted: Uint8Array;
  /** 1-based line where the record starts. */
  line: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const MAX_FIELDS = 256;

export class CsvTokenizer {
  private carry: Buffer = Buffer.alloc(0);
  private line = 1;
  private readonly rec: CsvRecord = {
    buf: Buffer.alloc(0),
    count: 0,
    starts: new Int32Array(MAX_FIELDS),
    ends: new Int32Array(MAX_FIELDS),
    quoted: new Uint8Array(MAX_FIELDS),
    line: 1,
  };

  constructor(
    private readonly onRecord: (r: CsvRecord) => void,
    private readonly delimiter = COMMA,
  ) {}

  /** Feeds a chunk; complete records are emitted, a partial last record waits for the next chunk. */
  push(chunk: Buffer): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const consumed = this.scan(buf, false);
    this.carry = consumed < buf.length ? Buffer.from(buf.subarray(consumed)) : Buffer.alloc(0);
  }

  /** Ends the input. Returns the unterminated tail (a truncated last line) if one was left. */
  end(): { line: number; text: string } | undefined {
    if (!this.carry.length) return undefined;
    const buf = this.carry;
    const consumed = this.scan(buf, true);
    this.carry = Buffer.alloc(0);
    if (consumed < buf.length)
      return { line: this.line, text: buf.subarray(consumed).toString('utf8').slice(0, 200) };
    return undefined;
  }

  /** Scans whole records from buf; returns how many bytes were consumed. */
  private scan(buf: Buffer, final: boolean): number {
    const rec = this.rec;
    const { starts, ends, quoted } = rec;
    const d = this.delimiter;
    const n = buf.length;
    rec.buf = buf;
    let pos = 0;
    while (pos < n) {
      const recordStart = pos;
      const startLine = this.line;
      let count = 0;
      let newlines = 0;
      let complete = false;
      for (;;) {
        // one field
        if (count === MAX_FIELDS) throw new Error(`more than ${MAX_FIELDS} fields on line ${startLine}`);
        if (pos < n && buf[pos] === QUOTE) {
          let i = pos + 1;
          let closed = -1;
          while (i < n) {
            const c = buf[i];
            if (c === QUOTE) {
              if (i + 1 < n && buf[i + 1] === QUOTE) {
                i += 2;
                continue;
              }
              if (i + 1 === n && !final) break; // cannot tell yet whether a quote follows
              closed = i;
              break;
            }
            if (c === LF) newlines++;
            i++;
          }
          if (closed < 0) break; // incomplete quoted field
          starts[count] = pos + 1;
          ends[count] = closed;
          quoted[count] = 1;
          count++;
          pos = closed + 1;
        } else {
          let i = pos;
          while (i < n) {
            const c = buf[i];
            if (c === d || c === LF || c === CR) break;
            i++;
          }
          starts[count] = pos;
          ends[count] = i;
          quoted[count] = 0;
          count++;
          pos = i;
        }
        if (pos >= n) {
          complete = final;
          break;
        }
        const c = buf[pos];
        if (c === d) {
          pos++;
          continue;
        }
        if (c === CR) {
          if (pos + 1 >= n && !final) break;
          pos += pos + 1 < n && buf[pos + 1] === LF ? 2 : 1;
          complete = true;
          newlines++;
          break;
        }
        if (c === LF) {
          pos++;
          complete = true;
          newlines++;
          break;
        }
        // garbage after a closing quote: keep it as part of the next field
        continue;
      }
      if (!complete) return recordStart;
      this.line += newlines;
      if (count > 1 || ends[0]! > starts[0]!) {
        rec.count = count;
        rec.line = startLine;
        this.onRecord(rec);
      }
    }
    return pos;
  }
}

/** Decodes field i as text (undoing doubled quotes). */
export function fieldText(r: CsvRecord, i: number): string {
  if (i >= r.count) return '';
  const text = r.buf.toString('utf8', r.starts[i], r.ends[i]);
  return r.quoted[i] ? text.replace(/""/g, '"') : text;
}

/**
 * Field i as text, at most maxChars characters (cut ones end in "…"). Decodes only the bytes it may keep,
 * so a message of megabytes (an assertion quoting a whole response) costs no more than a short one.
 */
export function fieldTextCut(r: CsvRecord, i: number, maxChars: number): string {
  if (i < 0 || i >= r.count) return '';
  const start = r.starts[i] as number;
  // A UTF-8 character is at most 4 bytes: a cut decodes to more than maxChars, so cutText drops a split one.
  const end = Math.min(r.ends[i] as number, start + 4 * (maxChars + 1));
  const text = r.buf.toString('utf8', start, end);
  return cutText(r.quoted[i] ? text.replace(/""/g, '"') : text, maxChars);
}

/** Parses field i as a non-negative or negative integer without making a string; NaN when it is not one. */
export function fieldInt(r: CsvRecord, i: number): number {
  if (i >= r.count) return NaN;
  const buf = r.buf;
  let p = r.starts[i] as number;
  const e = r.ends[i] as number;
  if (p === e) return NaN;
  let neg = false;
  if (buf[p] === 0x2d) {
    neg = true;
    p++;
  }
  let v = 0;
  for (; p < e; p++) {
    const c = (buf[p] as number) - 0x30;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/** First byte of field i (for true/false), or -1. */
export function fieldFirstByte(r: CsvRecord, i: number): number {
  return i < r.count && r.ends[i]! > r.starts[i]! ? (r.buf[r.starts[i]!] as number) : -1;
}

/**
 * Labels, hostnames and response codes repeat on every row: looking their bytes up in a small table
 * (FNV-1a hash, then a byte compare) is cheaper than decoding a new string per row, and hands the
 * statistics the same string object each time.
 */
export class FieldInterner {
  private readonly table = new Map<number, { bytes: Buffer; text: string }[]>();
  private size = 0;

  constructor(private readonly limit = 50_000) {}

  get(r: CsvRecord, i: number): string {
    if (i >= r.count) return '';
    if (r.quoted[i]) return fieldText(r, i);
    const buf = r.buf;
    const s = r.starts[i] as number;
    const e = r.ends[i] as number;
    let h = 0x811c9dc5 ^ (e - s);
    for (let p = s; p < e; p++) h = Math.imul(h ^ (buf[p] as number), 16777619);
    const bucket = this.table.get(h);
    if (bucket) {
      for (const c of bucket) {
        const b = c.bytes;
        if (b.length !== e - s) continue;
        let k = 0;
        while (k < b.length && b[k] === buf[s + k]) k++;
        if (k === b.length) return c.text;
      }
    }
    const text = buf.toString('utf8', s, e);
    // A field with a new value on every row (a unique id as label) must not grow the table without end.
    if (this.size < this.limit) {
      const entry = { bytes: Buffer.from(buf.subarray(s, e)), text };
      if (bucket) bucket.push(entry);
      else this.table.set(h, [entry]);
      this.size++;
    }
    return text;
  }
}
