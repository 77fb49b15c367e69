/** One result row, as the statistics need it. Readers reuse one object per file: copy what you keep. */
export interface Sample {
  /** Start time, epoch milliseconds. */
  ts: number;
  elapsed: number;
  label: string;
  success: boolean;
  responseCode: string;
  bytes: number;
  sentBytes: number;
  host: string;
  /** Active threads in all groups when the sample ended (0 when not recorded). */
  allThreads: number;
  /** Samples this row stands for (JMeter's SampleCount; 1 unless batched). */
  count: number;
  /** Errors among them (ErrorCount), or 1/0 from success. */
  errors: number;
  /**
   * JMeter's responseMessage ("Not Found", "Non HTTP response message: …") and failureMessage (the first
   * failed assertion's), at most MESSAGE_MAX characters. Read for samples with errors only ('' otherwise):
   * decoding them on every successful row would cost time and nothing needs them there.
   */
  responseMessage: string;
  failureMessage: string;
}

/** Longest message (and response code) kept from a row: enough to tell errors apart, bounded per row. */
export const MESSAGE_MAX = 300;
export const CODE_MAX = 100;

/** text cut to max characters (a cut one ends in "…"), never inside a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + '…';
}

/** The one mutable sample a reader fills for each row. */
export function newSample(): Sample {
  return {
    ts: 0,
    elapsed: 0,
    label: '',
    success: true,
    responseCode: '',
    bytes: 0,
    sentBytes: 0,
    host: '',
    allThreads: 0,
    count: 1,
    errors: 0,
    responseMessage: '',
    failureMessage: '',
  };
}

export class JtlError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'JtlError';
  }
}

export interface ReadReport {
  format: 'csv' | 'xml';
  rows: number;
  warnings: string[];
}
