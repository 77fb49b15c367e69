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
