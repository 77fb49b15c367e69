/**
 * `--split-csv`: each worker gets its own slice of a CSV file, so a user row is used by exactly one worker
 * (in distributed JMeter every worker reads the whole file and N workers replay the same users N times).
 * Rows go round-robin: row k (0-based, after the header) to worker k % N + 1. The header line, when the
 * plan's CSV Data Set reads one, heads every slice. The slices ship in the bundle under SPLIT_DIR/<i>/ and
 * each worker copies its own over the original before JMeter starts (see workerScript).
 */
export const SPLIT_DIR = '.atq-split';

/** Records with their line endings; a quoted field may hold line breaks (CSV Data Set's "allow quoted data"). */
export function csvRecords(text: string): string[] {
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) {
      records.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) records.push(text.slice(start));
  return records;
}

/** N slices of the file's text; a last record without a line break gets one, so slices end alike. */
export function sliceCsv(text: string, n: number, header: boolean): string[] {
  const records = csvRecords(text).map((r) => (r.endsWith('\n') ? r : `${r}\n`));
  const head = header ? (records.shift() ?? '') : '';
  const slices = Array.from({ length: n }, () => [head]);
  records.forEach((r, k) => slices[k % n]!.push(r));
  return slices.map((s) => s.join(''));
}

export interface SplitFile {
  /** The file's path in the test directory. */
  rel: string;
  text: string;
  header: boolean;
}

/** Bundle entries: SPLIT_DIR/<worker index>/<rel> for each worker and file; warns when a slice is empty. */
export function splitEntries(
  files: SplitFile[],
  n: number,
): { entries: { name: string; content: Buffer }[]; warnings: string[] } {
  const entries: { name: string; content: Buffer }[] = [];
  const warnings: string[] = [];
  for (const f of files) {
    const slices = sliceCsv(f.text, n, f.header);
    const rows = csvRecords(f.text).length - (f.header ? 1 : 0);
    if (rows < n)
      warnings.push(
        `split-csv: ${f.rel} has ${rows} row(s) for ${n} workers: ${n - rows} worker(s) get none`,
      );
    slices.forEach((text, i) =>
      entries.push({ name: `${SPLIT_DIR}/${i + 1}/${f.rel}`, content: Buffer.from(text) }),
    );
  }
  return { entries, warnings };
}
