import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readJtl, type Sample } from '../../src/results/jtl/read.js';
import { readXmlJtl } from '../../src/results/jtl/read-xml.js';
import { CsvTokenizer, FieldInterner } from '../../src/results/jtl/csv.js';
import { JtlError } from '../../src/results/jtl/sample.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-jtl-'));
let n = 0;
function file(text: string, ext = 'jtl'): string {
  const f = path.join(dir, `f${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
}
async function read(text: string) {
  const samples: Sample[] = [];
  const report = await readJtl(file(text), (s) => samples.push({ ...s }));
  return { samples, report };
}

const H5 =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect,Hostname';

describe('CSV JTL', () => {
  test('JMeter 5.6 header with hostname', async () => {
    const { samples, report } = await read(
      `${H5}\n1700000000000,120,GET /,200,OK,t 1-1,text,true,,512,100,1,2,http://x/,110,0,5,worker-1\n`,
    );
    expect(report).toMatchObject({ format: 'csv', rows: 1, warnings: [] });
    expect(samples[0]).toEqual({
      ts: 1700000000000,
      elapsed: 120,
      label: 'GET /',
      success: true,
      responseCode: '200',
      bytes: 512,
      sentBytes: 100,
      host: 'worker-1',
      allThreads: 2,
      count: 1,
      errors: 0,
      // Read for failed samples only.
      responseMessage: '',
      failureMessage: '',
    });
  });

  test('a byte-order mark before the header is ignored', async () => {
    const { samples } = await read('\uFEFFtimeStamp,elapsed,label\n5,6,x\n');
    expect(samples[0]).toMatchObject({ ts: 5, elapsed: 6, label: 'x' });
  });

  test('columns in any order and subset', async () => {
    const { samples } = await read('label,success,elapsed,timeStamp\nlogin,false,33,1700000000123\n');
    expect(samples[0]).toMatchObject({
      label: 'login',
      success: false,
      elapsed: 33,
      ts: 1700000000123,
      errors: 1,
      host: '',
    });
  });

  test('quoted fields: commas, doubled quotes, newlines; CRLF line ends', async () => {
    const text =
      'timeStamp,elapsed,label,responseCode,success,failureMessage\r\n' +
      '1,10,"GET /search?q=a,b",200,true,\r\n' +
      '2,20,"say ""hi""","Non HTTP response code: java.net.SocketTimeoutException",false,"line one\nline two, with comma"\r\n' +
      '3,30,plain,500,false,x\r\n';
    const { samples } = await read(text);
    expect(samples.map((s) => s.label)).toEqual(['GET /search?q=a,b', 'say "hi"', 'plain']);
    expect(samples[1]).toMatchObject({
      responseCode: 'Non HTTP response code: java.net.SocketTimeoutException',
      success: false,
    });
    expect(samples[2]?.ts).toBe(3);
  });

  test('no header: JMeter 5 default column order, and JMeter 2.13 defaults (12 columns)', async () => {
    const five = await read('1700000000000,5,home,200,OK,t,text,true,,10,20,1,1,http://x,4,0,1\n');
    expect(five.samples[0]).toMatchObject({
      elapsed: 5,
      label: 'home',
      bytes: 10,
      sentBytes: 20,
      allThreads: 1,
    });
    const old = await read('1400000000000,7,home,200,OK,Thread Group 1-1,text,true,2048,1,3,6\n');
    expect(old.samples[0]).toMatchObject({
      elapsed: 7,
      label: 'home',
      bytes: 2048,
      allThreads: 3,
      success: true,
    });
  });

  test('JMeter 2.13 with a header (print_field_names=true) and SampleCount/ErrorCount rows', async () => {
    const { samples } = await read(
      'timeStamp,elapsed,label,responseCode,success,bytes,SampleCount,ErrorCount\n1,10,tx,200,true,5,10,2\n',
    );
    expect(samples[0]).toMatchObject({ count: 10, errors: 2 });
  });

  test('a truncated last line (JMeter killed) is a warning; the rest is used', async () => {
    const cut = await read(`${H5}\n1,1,a,200,OK,t,text,true,,1,1,1,1,u,1,0,1,h\n2,2,a,200,OK,t,te`);
    expect(cut.samples).toHaveLength(1);
    expect(cut.report.warnings[0]).toMatch(/:3: last line is truncated \(7 of 18 fields\)/);
    const quote = await read('timeStamp,elapsed,label\n1,1,a\n2,2,"unterminated');
    expect(quote.samples).toHaveLength(1);
    expect(quote.report.warnings[0]).toMatch(/:3: last line is truncated \(unterminated quote\)/);
  });

  test.each([
    ['timeStamp,elapsed,label\n1,fast,a\n', /:2: elapsed "fast" is not a whole number/],
    ['timeStamp,elapsed,label\n1,1,a\n2,2\n3,3,c\n', /:3: 2 fields where the header has 3/],
    ['timeStamp,label\n1,a\n', /:1: the header has no "elapsed" column/],
    ['name,age\nbob,3\n', /:1: not a JMeter CSV results file/],
    ['1,2,3\n', /no header and 3 columns/],
    ['timeStamp,elapsed,label\nyesterday,1,a\n', /timeStamp "yesterday" is neither/],
  ])('bad input names the file, line and problem: %j', async (text, message) => {
    const err = await read(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JtlError);
    expect((err as Error).message).toMatch(/f\d+\.jtl:/);
    expect((err as Error).message).toMatch(message);
  });

  test('formatted timestamps (timestamp_format=yyyy/MM/dd HH:mm:ss.SSS) are understood', async () => {
    const { samples } = await read('timeStamp,elapsed,label\n2024/01/02 03:04:05.678,1,a\n');
    expect(samples[0]?.ts).toBe(Date.parse('2024-01-02T03:04:05.678'));
  });

  test('records split across read chunks at every position parse the same', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i % 97},"l,${i % 5}",200,true`).join('\n');
    const { samples } = await read(`timeStamp,elapsed,label,responseCode,success\n${rows}\n`);
    expect(samples).toHaveLength(3000);
    expect(samples[2999]).toMatchObject({ ts: 2999, elapsed: 2999 % 97, label: 'l,4' });
  });
});

describe('FieldInterner', () => {
  test('same text for the same bytes, correct past its size limit, quoted fields decoded', () => {
    const seen: string[] = [];
    const interner = new FieldInterner(2);
    const tok = new CsvTokenizer((r) => seen.push(interner.get(r, 0)));
    tok.push(Buffer.from('a\nb\na\nc\nd\nc\n"x ""y"""\nb\n'));
    expect(seen).toEqual(['a', 'b', 'a', 'c', 'd', 'c', 'x "y"', 'b']);
  });
});

describe('XML JTL', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testResults version="1.2">
<httpSample t="120" it="0" lt="100" ct="10" ts="1700000000000" s="true" lb="GET /" rc="200" rm="OK" tn="t 1-1" dt="text" by="512" sby="90" sc="1" ec="0" ng="1" na="2" hn="worker-1">
  <httpSample t="60" ts="1700000000001" s="true" lb="GET / redirect" rc="302"/>
</httpSample>
<sample t="30" ts="1700000000100" s="false" lb="tx &amp; co" rc="Non HTTP response code: java.io.IOException" hn="worker-2"/>
</testResults>`;

  test('httpSample and sample elements; nested sub-results are not counted twice', async () => {
    const { samples, report } = await read(xml);
    expect(report).toMatchObject({ format: 'xml', rows: 2, warnings: [] });
    expect(samples[0]).toMatchObject({
      elapsed: 120,
      label: 'GET /',
      bytes: 512,
      sentBytes: 90,
      host: 'worker-1',
      allThreads: 2,
      success: true,
    });
    expect(samples[1]).toMatchObject({
      label: 'tx & co',
      success: false,
      errors: 1,
      responseCode: 'Non HTTP response code: java.io.IOException',
    });
  });

  test('a label with multi-byte characters reads whole whichever byte a read ends at', async () => {
    const bytes = Buffer.from(
      '<testResults>\n<sample t="5" ts="1" s="true" lb="Grüße 😀" rc="200"/>\n</testResults>',
    );
    for (let cut = 1; cut < bytes.length; cut++) {
      const labels: string[] = [];
      const source = (async function* () {
        yield bytes.subarray(0, cut);
        yield bytes.subarray(cut);
      })();
      await readXmlJtl(source, 'x.jtl', (s) => labels.push(s.label));
      expect(labels).toEqual(['Grüße 😀']);
    }
  });

  test('a file cut short is a warning; damage in the middle is an error with the line', async () => {
    const cut = await read(xml.slice(0, xml.indexOf('<sample t="30"') + 20));
    expect(cut.samples).toHaveLength(1);
    expect(cut.report.warnings[0]).toMatch(/looks truncated, the 1 complete samples are used/);
    const err = await read('<testResults>\n<httpSample t="x" ts="1" lb="a"/>\n</testResults>').catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(/:2: <httpSample> needs numeric t and ts/);
  });
});
