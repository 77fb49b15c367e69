import {
  DEFAULT_COLUMNS_2,
  DEFAULT_COLUMNS_5,
  indexColumns,
  KNOWN_COLUMNS,
  type ColumnIndex,
} from './columns.js';
import {
  CsvTokenizer,
  fieldFirstByte,
  fieldInt,
  fieldText,
  fieldTextCut,
  FieldInterner,
  type CsvRecord,
} from './csv.js';
import { JtlError, MESSAGE_MAX, newSample, type ReadReport, type Sample } from './sample.js';

/**
 * Reads a CSV JTL from a byte stream: header in any order or subset, or none (JMeter's default order),
 * quoted fields, text response codes. A truncated last line (JMeter killed) is a warning, not an error.
 */
export async function readCsvJtl(
  source: AsyncIterable<Buffer>,
  file: string,
  onSample: (s: Sample) => void,
): Promise<ReadReport> {
  const report: ReadReport = { format: 'csv', rows: 0, warnings: [] };
  const sample = newSample();
  const strings = new FieldInterner();
  // Failed rows repeat a few messages: the same string object for the same bytes, without decoding.
  const messages = new FieldInterner(10_000);
  const message = (r: CsvRecord, i: number) =>
    i < 0 || i >= r.count
      ? ''
      : (r.ends[i] as number) - (r.starts[i] as number) <= MESSAGE_MAX
        ? messages.get(r, i)
        : fieldTextCut(r, i, MESSAGE_MAX);
  let cols: ColumnIndex | undefined;
  let width = 0;
  let pendingShort: { line: number; count: number } | undefined;

  const setColumns = (names: string[], line: number) => {
    cols = indexColumns(names);
    width = names.length;
    for (const need of ['timeStamp', 'elapsed', 'label'] as const) {
      if (cols[need] < 0) {
        throw new JtlError(file, line, `the header has no "${need}" column (columns: ${names.join(', ')})`);
      }
    }
  };

  const onRecord = (r: CsvRecord) => {
    if (!cols) {
      // A byte-order mark (files saved by some editors) is not part of the first column's name.
      const bom = (i: number, t: string) => (i === 0 ? t.replace(/^\uFEFF/, '') : t);
      const first = bom(0, fieldText(r, 0));
      if (KNOWN_COLUMNS.has(first) || !/^\d/.test(first)) {
        const names = Array.from({ length: r.count }, (_, i) => bom(i, fieldText(r, i)));
        if (!names.some((n) => KNOWN_COLUMNS.has(n))) {
          throw new JtlError(
            file,
            r.line,
            `not a JMeter CSV results file: first line is "${names.join(',').slice(0, 120)}"`,
          );
        }
        setColumns(names, r.line);
        return;
      }
      const defaults =
        r.count === DEFAULT_COLUMNS_2.length
          ? DEFAULT_COLUMNS_2
          : r.count >= DEFAULT_COLUMNS_5.length
            ? DEFAULT_COLUMNS_5
            : undefined;
      if (!defaults) {
        throw new JtlError(
          file,
          r.line,
          `no header and ${r.count} columns, which matches no JMeter default; ` +
            'write results with jmeter.save.saveservice.print_field_names=true',
        );
      }
      setColumns(defaults, r.line);
    }
    const c = cols as ColumnIndex;
    if (pendingShort) {
      // A short row that is not the last one is damage in the middle of the file.
      throw new JtlError(
        file,
        pendingShort.line,
        `${pendingShort.count} fields where the header has ${width}`,
      );
    }
    if (r.count < width) {
      pendingShort = { line: r.line, count: r.count };
      return;
    }
    let ts = fieldInt(r, c.timeStamp);
    if (Number.isNaN(ts)) {
      const text = fieldText(r, c.timeStamp);
      ts = Date.parse(text.replace(/\//g, '-').replace(' ', 'T'));
      if (Number.isNaN(ts))
        throw new JtlError(file, r.line, `timeStamp "${text}" is neither epoch milliseconds nor a date`);
    }
    const elapsed = fieldInt(r, c.elapsed);
    if (Number.isNaN(elapsed)) {
      throw new JtlError(
        file,
        r.line,
        `elapsed "${fieldText(r, c.elapsed)}" is not a whole number of milliseconds`,
      );
    }
    sample.ts = ts;
    sample.elapsed = elapsed;
    sample.label = strings.get(r, c.label);
    const s = fieldFirstByte(r, c.success);
    sample.success = c.success < 0 ? true : s === 0x74 || s === 0x54; // t / T
    sample.responseCode = c.responseCode < 0 ? '' : strings.get(r, c.responseCode);
    sample.bytes = c.bytes < 0 ? 0 : fieldInt(r, c.bytes) || 0;
    sample.sentBytes = c.sentBytes < 0 ? 0 : fieldInt(r, c.sentBytes) || 0;
    sample.allThreads = c.allThreads < 0 ? 0 : fieldInt(r, c.allThreads) || 0;
    sample.host = c.hostname < 0 ? '' : strings.get(r, c.hostname);
    sample.count = c.sampleCount < 0 ? 1 : fieldInt(r, c.sampleCount) || 1;
    sample.errors = c.errorCount < 0 ? (sample.success ? 0 : 1) : fieldInt(r, c.errorCount) || 0;
    const failed = sample.errors > 0;
    sample.responseMessage = failed ? message(r, c.responseMessage) : '';
    sample.failureMessage = failed ? message(r, c.failureMessage) : '';
    report.rows++;
    onSample(sample);
  };

  const tokenizer = new CsvTokenizer(onRecord);
  try {
    for await (const chunk of source) tokenizer.push(chunk);
    const tail = tokenizer.end();
    if (tail)
      report.warnings.push(
        `${file}:${tail.line}: last line is truncated (unterminated quote); ignored: ${tail.text}`,
      );
  } catch (e) {
    if (e instanceof JtlError) throw e;
    throw new JtlError(file, 0, (e as Error).message);
  }
  if (pendingShort) {
    report.warnings.push(
      `${file}:${pendingShort.line}: last line is truncated (${pendingShort.count} of ${width} fields); ignored`,
    );
  }
  if (!cols) report.warnings.push(`${file}: empty, no samples`);
  return report;
}
