import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { commentBody, commentMarker } from '../../src/action/pr/comment-body.js';
import { reportCommand } from '../../src/cli/report.js';
import { outcome } from '../../src/core/outcome.js';
import type { RunReport } from '../../src/core/report.js';
import { ERROR_LIMITS, type ErrorTable } from '../../src/results/errors.js';
import { parseGates } from '../../src/config/gate-grammar.js';
import { readJtl, type Sample } from '../../src/results/jtl/read.js';
import { MESSAGE_MAX, newSample } from '../../src/results/jtl/sample.js';
import { renderHtml } from '../../src/results/report/html.js';
import { renderJunit } from '../../src/results/report/junit.js';
import { renderMarkdown } from '../../src/results/report/markdown.js';
import { Analysis } from '../../src/results/stats.js';
import { analyseJtl, summarise, type Summary } from '../../src/results/summary.js';
import { verdictLines } from '../../src/results/verdict-table.js';
import { writeReports } from '../../src/results/write.js';
import { cmark, plain, tableRows } from '../helpers/cmark.js';

/**
 * Why requests failed, in every report: one JTL with known failures, written by JMeter as CSV and as XML
 * (test/fixtures/jtl/errors.*): 47 samples, 39 errors of 18 kinds in 4 labels, among them JMeter's
 * UnknownHostException, HTTP 503/401/418/500s, an assertion's failure message, a message of 1,500
 * characters and one with Markdown and HTML in it (and a line break).
 */
const FIXTURES = path.resolve('test/fixtures/jtl');
const CSV = path.join(FIXTURES, 'errors.csv');
const XML = path.join(FIXTURES, 'errors.xml');
const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-errors-'));

const UNKNOWN_HOST = {
  code: 'Non HTTP response code: java.net.UnknownHostException',
  message: 'Non HTTP response message: target: Name or service not known',
};
const HOSTILE =
  '<img src=x onerror=alert(1)> [x](https://evil.example/) | *em* @octocat `tick`\n# second line & "quotes"';
const ASSERTION = 'Test failed: text expected to contain /results/';
const GATES = ['error_rate < 1%', '"GET /item": errors < 1', 'p95 < 1ms'];

const analyse = (file: string, gates: string[] = GATES) =>
  analyseJtl(file, { gates: parseGates(gates).gates });

describe('the reader: response and failure messages of failed samples, CSV and XML alike', () => {
  async function failed(file: string) {
    const out: Sample[] = [];
    await readJtl(file, (s) => out.push({ ...s }));
    return out;
  }

  test('the same samples from both files; messages only where the sample failed', async () => {
    const csv = await failed(CSV);
    const xml = await failed(XML);
    expect(xml).toEqual(csv);
    expect(csv).toHaveLength(47);
    expect(csv[0]).toMatchObject({ responseCode: UNKNOWN_HOST.code, responseMessage: UNKNOWN_HOST.message });
    expect(
      csv.filter((s) => s.success).every((s) => s.responseMessage === '' && s.failureMessage === ''),
    ).toBe(true);
  });

  test("XML: the sample's own first failed assertion, not a passed one or a sub-result's", async () => {
    const search = (await failed(XML)).filter((s) => s.label === 'GET /search' && !s.success);
    expect(search.map((s) => [s.responseMessage, s.failureMessage])).toEqual([
      ['OK', ASSERTION],
      ['OK', ASSERTION],
    ]);
  });

  test('a message of megabytes is cut to MESSAGE_MAX characters, an emoji never split', async () => {
    const huge = `Non HTTP response message: ${'🚀'.repeat(500_000)}`;
    const f = path.join(dir, 'huge.jtl');
    writeFileSync(
      f,
      `timeStamp,elapsed,label,responseCode,responseMessage,success\n1,2,a,500,"${huge}",false\n`,
    );
    const [s] = await failed(f);
    expect(s?.responseMessage).toHaveLength(MESSAGE_MAX);
    expect(s?.responseMessage.endsWith('🚀…')).toBe(true);
    expect(s?.responseMessage).not.toContain('\uFFFD');
    // One character less in front: the cut falls inside a pair, which is left out whole.
    writeFileSync(
      f,
      `timeStamp,elapsed,label,responseCode,responseMessage,success\n1,2,a,500,"x${huge}",false\n`,
    );
    const [t] = await failed(f);
    expect(t?.responseMessage).toHaveLength(MESSAGE_MAX - 1);
    expect(t?.responseMessage.endsWith('🚀…')).toBe(true);
  });
});

describe('summary.json: errors by kind, exact and bounded', () => {
  let s: Summary;
  beforeAll(async () => {
    await writeReports(dir, await analyse(CSV));
    s = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
  });

  const adds = (t: ErrorTable) => t.kinds.reduce((n, k) => n + k.count, 0) + (t.other?.count ?? 0);

  test('the run: the 10 most frequent kinds, the other 8 in one row, adding up to every error', () => {
    const t = s.errors!.total;
    expect(t).toMatchObject({ samples: 47, errors: 39, other: { count: 8, kinds: 8, complete: true } });
    expect(t.kinds).toHaveLength(ERROR_LIMITS.top);
    expect(t.kinds.map((k) => [k.code, k.count])).toEqual([
      [UNKNOWN_HOST.code, 10],
      ['418', 5],
      ['503', 4],
      ['401', 3],
      ['Non HTTP response code: java.net.SocketException', 3],
      ['200', 2],
      ['500', 1],
      ['500', 1],
      ['500', 1],
      ['500', 1],
    ]);
    expect(t.kinds[0]).toEqual({
      ...UNKNOWN_HOST,
      count: 10,
      ofErrors: 10 / 39,
      ofSamples: 10 / 47,
      hint: 'is the target on a network the workers can reach? See --attach-network',
    });
    expect(t.kinds[5]?.message).toBe(ASSERTION);
    expect(adds(t)).toBe(39);
  });

  test('messages kept exactly (the hostile one too), a long one cut to 300 characters', () => {
    const [, hostile, , , long] = s.errors!.total.kinds;
    expect(hostile?.message).toBe(HOSTILE);
    expect(long?.message).toHaveLength(MESSAGE_MAX);
    expect(long?.message).toMatch(/^Non HTTP response message: very long .*…$/);
  });

  test('per label: most errors first, each its 5 most frequent kinds and "other"', () => {
    const labels = s.errors!.labels;
    expect(labels.map((l) => [l.label, l.errors, l.samples])).toEqual([
      ['GET /item', 20, 22],
      ['GET /home', 10, 12],
      ['POST /login', 7, 8],
      ['GET /search', 2, 5],
    ]);
    const item = labels[0]!;
    expect(item.kinds).toHaveLength(ERROR_LIMITS.labelTop);
    expect(item.other).toEqual({ count: 9, kinds: 9, complete: true });
    expect(item.kinds[0]).toMatchObject({ code: '418', count: 5, ofErrors: 5 / 20, ofSamples: 5 / 22 });
    for (const l of labels) expect(adds(l)).toBe(l.errors);
  });

  test('the XML JTL gives the same errors section', async () => {
    expect((await analyse(XML)).errors).toEqual(s.errors);
  });

  const failedSample = { ...newSample(), success: false, errors: 1, responseCode: '500' };
  /** Kinds a table tracks: those shown, and those in "other" told apart (an incomplete one has 1+ untold). */
  const tracked = (t: ErrorTable) =>
    t.kinds.length + (t.other ? t.other.kinds - (t.other.complete ? 0 : 1) : 0);

  test('a new message on every row: the run tracks 1,000 kinds, counts stay exact, "other" says "at least"', () => {
    const a = new Analysis();
    const n = 3 * ERROR_LIMITS.tracked;
    for (let i = 0; i < n; i++) a.add({ ...failedSample, label: 'a', responseMessage: `error ${i}`, ts: i });
    // A kind tracked early still counts after the tracking is full.
    a.add({ ...failedSample, label: 'a', responseMessage: 'error 7', ts: n });
    const e = a.errors();
    expect(e.total.kinds[0]).toMatchObject({ message: 'error 7', count: 2 });
    expect(e.total.other).toEqual({
      count: n + 1 - 2 - (ERROR_LIMITS.top - 1),
      kinds: ERROR_LIMITS.tracked - ERROR_LIMITS.top + 1,
      complete: false,
    });
    expect(adds(e.total)).toBe(n + 1);
    expect(tracked(e.total)).toBe(ERROR_LIMITS.tracked);
    const label = e.labels[0]!;
    expect(adds(label)).toBe(n + 1);
    expect(tracked(label)).toBe(ERROR_LIMITS.labelTracked);
  });

  test('labels share one budget of kinds: 1,000 labels of 30 kinds each stop at 20,000', () => {
    const a = new Analysis();
    for (let i = 0; i < 30_000; i++)
      a.add({ ...failedSample, label: `l${i % 1000}`, responseMessage: `error ${i}`, ts: i });
    const { labels } = a.errors();
    expect(labels).toHaveLength(1000);
    for (const l of labels) expect(adds(l)).toBe(30);
    expect(labels.reduce((k, l) => k + tracked(l), 0)).toBe(ERROR_LIMITS.labelBudget);
    expect(labels.filter((l) => l.other?.complete === false).length).toBeGreaterThan(0);
  });

  test('no errors: an empty section and no table anywhere', async () => {
    const f = path.join(dir, 'ok.jtl');
    writeFileSync(f, 'timeStamp,elapsed,label,success\n1,10,a,true\n');
    const ok = await analyseJtl(f, { gates: [] });
    expect(ok.errors).toEqual({ total: { samples: 1, errors: 0, kinds: [], other: null }, labels: [] });
    expect(renderMarkdown(ok)).not.toContain('Errors:');
    expect(renderHtml(ok)).not.toContain('<h2>Errors');
    expect(verdictLines(ok, 'p').join('\n')).not.toContain('errors:');
  });
});

describe("a summary.json from elsewhere (a server's download, an older atq)", () => {
  test('a missing or malformed errors section breaks no report: what has the shape is shown', async () => {
    const s = await analyse(CSV);
    const odd = [
      undefined,
      null,
      'x',
      { total: { samples: 47, errors: 39, kinds: 'many' } },
      { total: { samples: 47, errors: 39, kinds: [null, { code: 1 }], other: 'x' }, labels: [{ label: 5 }] },
    ];
    for (const errors of odd) {
      const t = { ...s, errors } as unknown as Summary;
      for (const render of [
        renderMarkdown,
        renderHtml,
        renderJunit,
        (x: Summary) => verdictLines(x, 'p').join(),
      ])
        expect(() => render(t)).not.toThrow();
    }
    const kept = { ...s, errors: odd[4] } as unknown as Summary;
    expect(verdictLines(kept, 'p')).toContain(
      '  errors: 39 of 47 samples failed (82.98%), most frequent first:',
    );
    expect(renderMarkdown({ ...s, errors: undefined })).not.toContain('Errors:');
  });

  test('cut as atq cuts its own: texts to their limits, tables to their rows', async () => {
    const s = await analyse(CSV);
    const kind = {
      code: 'c'.repeat(10_000),
      message: 'm'.repeat(100_000),
      count: 1,
      ofErrors: 0,
      ofSamples: 0,
    };
    const many = { samples: 9, errors: 9, kinds: Array.from({ length: 5000 }, () => kind), other: null };
    const md = renderMarkdown({ ...s, errors: { total: many, labels: [{ ...many, label: 'x' }] } });
    expect(md).toContain(`| ${'c'.repeat(99)}… | ${'m'.repeat(299)}… |`);
    expect(md.match(/\| c+… \|/g)).toHaveLength(ERROR_LIMITS.top + ERROR_LIMITS.labelTop);
  });
});

describe('summary.md (the job summary) through cmark-gfm', () => {
  let html: string;
  beforeAll(async () => {
    html = cmark(renderMarkdown(await analyse(CSV)));
  });

  test('the run: response code, message, count, shares and likely cause; "other" last', () => {
    expect(plain(html)).toContain('Errors: 39 of 47 samples failed (82.98%), by response code and message:');
    const rows = tableRows(html, 1);
    expect(rows).toHaveLength(11);
    for (const cells of rows) expect(cells).toHaveLength(6);
    expect(rows[0]?.map(plain)).toEqual([
      UNKNOWN_HOST.code,
      UNKNOWN_HOST.message,
      '10',
      '25.64%',
      '21.28%',
      'is the target on a network the workers can reach? See --attach-network',
    ]);
    expect(rows[10]?.map(plain)).toEqual(['<em>other (8 kinds)</em>', '', '8', '20.51%', '17.02%', '']);
  });

  test('the hostile message is its literal text: no image, link, heading, emphasis or mention', () => {
    for (const bad of ['<img', '<a ', '<h1', '<em>em', '<code>', '<br']) expect(html).not.toContain(bad);
    const cells = tableRows(html, 1)[1]!;
    expect(plain(cells[1]!)).toBe(HOSTILE.replace('\n', ' '));
  });

  test('per label, its kinds under it, "other" where it has more than 5', () => {
    const rows = tableRows(html, 2).map((cells) => cells.map(plain));
    expect(rows.map((r) => r[0])).toEqual([
      'GET /item',
      '',
      '',
      '',
      '',
      '',
      'GET /home',
      'POST /login',
      '',
      'GET /search',
    ]);
    expect(rows[5]).toEqual(['', '<em>other (9 kinds)</em>', '', '9', '40.91%']);
    expect(rows[9]).toEqual(['GET /search', '200', ASSERTION, '2', '40%']);
  });

  test('the warning says most requests failed, the most frequent error and its likely cause', () => {
    expect(plain(html)).toContain(
      '⚠️ most requests failed: 39 of 47; the most frequent error: UnknownHostException for target (10) — is the target on a network the workers can reach? See --attach-network',
    );
  });
});

describe('the pull-request comment: the 3 most frequent errors and the warning', () => {
  test('short, literal, under the gates', async () => {
    const s = await analyse(CSV);
    const ctx = { marker: commentMarker('load', 'p.jmx'), plan: 'p.jmx', artifactName: 'atq-results' };
    const md = commentBody(
      s,
      outcome({ runId: 'r', status: 'succeeded', verdict: 'failed' } as RunReport),
      ctx,
    );
    const html = cmark(md);
    const rows = tableRows(html, 1).map((cells) => cells.map(plain));
    expect(rows.map((r) => [r[0], r[2]])).toEqual([
      [UNKNOWN_HOST.code, '10'],
      ['418', '5'],
      ['503', '4'],
      ['<em>other (15 kinds)</em>', '20'],
    ]);
    expect(rows[1]?.[1]).toBe(HOSTILE.replace('\n', ' '));
    expect(md.indexOf('Errors: 39 of 47')).toBeGreaterThan(md.indexOf('| ❌ |'));
    expect(plain(html)).toContain('⚠️ most requests failed: 39 of 47; the most frequent error: Unknown');
    expect(md).not.toContain('by label');
    for (const bad of ['<img', '<a ', '<h1']) expect(html).not.toContain(bad);
  });
});

describe('report.html', () => {
  let html: string;
  beforeAll(async () => {
    html = renderHtml(await analyse(CSV));
  });
  const section = (h2: string) => html.split(`<h2>${h2}</h2>`)[1]!.split('<h2>')[0]!;

  test('an errors table and an errors-by-label table, text escaped, both parse as XML', () => {
    const errors = section('Errors');
    expect(errors).toContain('39 of 47 samples failed (82.98%), by response code and message');
    expect(errors).toContain(
      '<td class="msg">418</td><td class="msg">&lt;img src=x onerror=alert(1)&gt; [x](https://evil.example/) | *em* @octocat `tick`\n# second line &amp; &quot;quotes&quot;</td><td>5</td>',
    );
    expect(errors).toContain('<tr class="other"><td class="msg">other (8 kinds)</td>');
    const byLabel = section('Errors by label');
    expect(byLabel.match(/<tr/g)).toHaveLength(1 + 10);
    expect(byLabel).toContain('<td>GET /item</td>');
    for (const part of [errors, byLabel]) {
      expect(part).not.toMatch(/<(img|script|a)[\s>]/);
      const problems: string[] = [];
      const parser = new SaxesParser();
      parser.on('error', (e) => problems.push(e.message));
      parser.write(`<div>${part.replace(/&#39;/g, "'")}</div>`).close();
      expect(problems).toEqual([]);
    }
  });

  test('before the trend and the charts, after the gates; the warning at the top', () => {
    expect(html.indexOf('<h2>Errors</h2>')).toBeGreaterThan(html.indexOf('<h2>Gates</h2>'));
    expect(html.indexOf('<h2>Errors</h2>')).toBeLessThan(html.indexOf('<h2>Charts</h2>'));
    expect(html).toContain('<p class="warn">most requests failed: 39 of 47;');
  });
});

describe('junit.xml: a failed gate on errors lists the most frequent errors', () => {
  let xml: string;
  beforeAll(async () => {
    xml = renderJunit(await analyse(CSV));
  });
  const failure = (name: string) => xml.split(`name="${name}"`)[1]!.split('</failure>')[0]!;

  test("the run's errors under error_rate, the label's under its gate, none under p95", () => {
    expect(failure('error_rate &lt; 1%')).toContain(
      '&#10;most frequent errors:&#10;10 (21.28%) UnknownHostException: target: Name or service not known&#10; 5 (10.64%) HTTP 418: &lt;img src=x onerror=alert(1)&gt; [x](https://evil.example/) | *em* @octocat `tick` # second line &amp; &quot;quotes&quot;&#10;',
    );
    expect(failure('error_rate &lt; 1%')).toMatch(/&#10;14 \(29\.79%\) other \(13 kinds\)$/);
    expect(failure('&quot;GET /item&quot;: errors &lt; 1')).toMatch(/errors:&#10;5 \(22\.73%\) HTTP 418: /);
    expect(failure('p95 &lt; 1ms')).not.toContain('most frequent errors');
  });

  test('well-formed', () => {
    const problems: string[] = [];
    const parser = new SaxesParser();
    parser.on('error', (e) => problems.push(e.message));
    parser.write(xml).close();
    expect(problems).toEqual([]);
  });
});

describe("the console's final summary", () => {
  test('the 3 most frequent errors and "other", one line each, escaped; then the verdict and the warning', async () => {
    const lines = verdictLines(await analyse(CSV), 'plan.jmx');
    const at = lines.indexOf('  errors: 39 of 47 samples failed (82.98%), most frequent first:');
    expect(at).toBe(1 + GATES.length);
    expect(lines.slice(at + 1, at + 6)).toEqual([
      '    10 (21.28%) UnknownHostException: target: Name or service not known',
      '     5 (10.64%) HTTP 418: <img src=x onerror=alert(1)> [x](https://evil.example/) | *em* @octocat `tick` # second line & "quotes"',
      '     4 (8.51%) HTTP 503: Service Unavailable',
      '    20 (42.55%) other (15 kinds)',
      '  verdict: failed',
    ]);
    expect(lines.at(-1)).toMatch(/^ {2}warning: most requests failed: 39 of 47; the most frequent error: /);
  });

  test('atq report prints them for any JTL, XML too', async () => {
    let err = '';
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await reportCommand(
        [XML, '--out', path.join(dir, 'report'), '--criteria', 'error_rate < 1%'],
        dir,
      );
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(3);
    expect(err).toContain('errors.xml: 47 samples, 82.98% errors');
    expect(err).toContain(
      '  errors: 39 of 47 samples failed (82.98%), most frequent first:\n    10 (21.28%) UnknownHostException: target: Name or service not known\n',
    );
    expect(err).toContain(
      '  warning: most requests failed: 39 of 47; the most frequent error: UnknownHostException',
    );
    const written = JSON.parse(readFileSync(path.join(dir, 'report', 'summary.json'), 'utf8')) as Summary;
    expect(written.errors?.total.kinds[0]?.count).toBe(10);
  });
});

describe('a run where most requests failed warns without gates', () => {
  /** n samples of one label, `failed` of them with JMeter's error for a host it cannot resolve. */
  function run(n: number, failed: number): Summary {
    const a = new Analysis();
    for (let i = 0; i < n; i++) {
      const bad = i < failed;
      a.add({
        ...newSample(),
        ts: 1_700_000_000_000 + i,
        label: 'GET /',
        success: !bad,
        errors: bad ? 1 : 0,
        responseCode: bad ? UNKNOWN_HOST.code : '200',
        responseMessage: bad ? 'Non HTTP response message: target' : '',
      });
    }
    return summarise(a, { file: 'r.jtl', format: 'csv', rows: n, warnings: [] }, { gates: [] });
  }

  test('312 of 360: verdict no-gates, and the warning in summary.json, summary.md and on the console', () => {
    const s = run(360, 312);
    expect(s.verdict).toBe('no-gates');
    expect(s.warnings).toEqual([
      'most requests failed: UnknownHostException for target (312 of 360) — is the target on a network the workers can reach? See --attach-network',
    ]);
    expect(plain(cmark(renderMarkdown(s)))).toContain(`⚠️ ${s.warnings[0]}`);
    expect(verdictLines(s, 'p').at(-1)).toBe(`  warning: ${s.warnings[0]}`);
  });

  test('all of them: "every request failed"; under half: no warning', () => {
    expect(run(10, 10).warnings[0]).toMatch(
      /^every request failed: UnknownHostException for target \(10 of 10\) — /,
    );
    expect(run(10, 4).warnings).toEqual([]);
    expect(run(10, 5).warnings).toHaveLength(1);
  });
});
