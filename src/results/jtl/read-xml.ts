import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { cutText, JtlError, MESSAGE_MAX, newSample, type ReadReport, type Sample } from './sample.js';

const isCaptured = (name: string): name is 'failure' | 'error' | 'failureMessage' =>
  name === 'failure' || name === 'error' || name === 'failureMessage';

/**
 * Reads an XML JTL (<testResults> with <httpSample>/<sample> elements; attributes t, lb, ts, s, rc, by, sby,
 * hn, na, rm) and, of a sample with errors, its first failed <assertionResult>'s failureMessage. Nested
 * samples (sub-results of a transaction or redirects) are not counted twice: only top-level samples are,
 * as JMeter's listeners do. A sample counts once its element is complete.
 */
export async function readXmlJtl(
  source: AsyncIterable<Buffer>,
  file: string,
  onSample: (s: Sample) => void,
): Promise<ReadReport> {
  const report: ReadReport = { format: 'xml', rows: 0, warnings: [] };
  const parser = new SaxesParser({ position: true });
  let depth = 0;
  let error: JtlError | undefined;
  const sample = newSample();
  const num = (v: string | undefined) => (v === undefined || v === '' ? 0 : Number(v));

  // A sample is complete at its closing tag: its assertion results (the failure message) come before it.
  let open = false;
  const assertion = { inside: false, failed: false, message: '' };
  let capture: 'failure' | 'error' | 'failureMessage' | undefined;
  let captured = '';

  parser.on('opentag', (tag) => {
    if (tag.name !== 'httpSample' && tag.name !== 'sample') {
      if (depth !== 1 || !open) return;
      if (tag.name === 'assertionResult')
        Object.assign(assertion, { inside: true, failed: false, message: '' });
      else if (assertion.inside && isCaptured(tag.name)) [capture, captured] = [tag.name, ''];
      return;
    }
    depth++;
    if (depth > 1 || error) return;
    const a = tag.attributes as Record<string, string>;
    const t = Number(a.t);
    const ts = Number(a.ts);
    if (!Number.isInteger(t) || !Number.isFinite(ts)) {
      error = new JtlError(
        file,
        parser.line,
        `<${tag.name}> needs numeric t and ts attributes (got t="${a.t}", ts="${a.ts}")`,
      );
      return;
    }
    sample.ts = ts;
    sample.elapsed = t;
    sample.label = a.lb ?? '';
    sample.success = a.s === undefined ? true : a.s === 'true';
    sample.responseCode = a.rc ?? '';
    sample.bytes = num(a.by);
    sample.sentBytes = num(a.sby);
    sample.host = a.hn ?? '';
    sample.allThreads = num(a.na);
    sample.count = num(a.sc) || 1;
    sample.errors = a.ec !== undefined ? num(a.ec) : sample.success ? 0 : 1;
    sample.responseMessage = sample.errors > 0 ? cutText(a.rm ?? '', MESSAGE_MAX) : '';
    sample.failureMessage = '';
    open = true;
  });
  const onText = (text: string) => {
    // Bounded: a failure message may quote a whole response.
    if (capture && captured.length < 4 * MESSAGE_MAX) captured += text.slice(0, 4 * MESSAGE_MAX);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    if (tag.name !== 'httpSample' && tag.name !== 'sample') {
      if (depth !== 1 || !open) return;
      if (capture === tag.name) {
        if (capture === 'failureMessage') assertion.message = captured;
        else if (captured.trim() === 'true') assertion.failed = true;
        capture = undefined;
      } else if (tag.name === 'assertionResult' && assertion.inside) {
        // As JMeter's CSV column: the first failed assertion's message.
        if (assertion.failed && !sample.failureMessage && sample.errors > 0)
          sample.failureMessage = cutText(assertion.message, MESSAGE_MAX);
        assertion.inside = false;
      }
      return;
    }
    depth--;
    if (depth > 0 || !open) return;
    open = false;
    report.rows++;
    onSample(sample);
  });
  // An error while reading is damage; one only at the end is a file cut short (JMeter killed mid-write):
  // then the complete samples before it are used and the user is told.
  let closing = false;
  let endError: string | undefined;
  parser.on('error', (e) => {
    if (closing) endError ??= e.message;
    else error ??= new JtlError(file, parser.line, `not well-formed XML: ${e.message}`);
  });
  // (a read may end inside a multi-byte character of a label: the decoder completes it with the next read)
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) {
    parser.write(decoder.write(chunk));
    if (error) throw error;
  }
  closing = true;
  parser.write(decoder.end());
  parser.close();
  if (endError) {
    report.warnings.push(
      `${file}: ends early (${endError}); looks truncated, the ${report.rows} complete samples are used`,
    );
  }
  return report;
}
