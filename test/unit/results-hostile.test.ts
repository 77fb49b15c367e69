import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { parseGates } from '../../src/config/gate-grammar.js';
import { renderHtml } from '../../src/results/report/html.js';
import { renderJunit } from '../../src/results/report/junit.js';
import { renderMarkdown } from '../../src/results/report/markdown.js';
import { mdText } from '../../src/results/report/md-escape.js';
import { analyseJtl, type Summary } from '../../src/results/summary.js';
import { trendLines, verdictLines } from '../../src/results/verdict-table.js';
import { writeReports } from '../../src/results/write.js';
import { visibleControls } from '../../src/util/text.js';
import { cmark, plain, tableRows } from '../helpers/cmark.js';
import { runMeta, simulatedRun } from '../helpers/trend-summaries.js';

/**
 * Hostile or odd result data: JTL labels come from the tested application and end up in a PR comment
 * (summary.md), in CI's test tab (junit.xml), in report.html and on the console.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-hostile-'));
let n = 0;
function file(text: string, ext = 'jtl'): string {
  const f = path.join(dir, `f${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
}

const HEADER = 'timeStamp,elapsed,label,responseCode,success,bytes,sentBytes,allThreads,Hostname';
const csvField = (t: string) => `"${t.replace(/"/g, '""')}"`;
function jtl(labels: string[], host = (_i: number) => 'w1'): string {
  const rows = labels.map(
    (l, i) => `${1_700_000_000_000 + i * 10},${10 + i},${csvField(l)},200,true,100,10,1,${csvField(host(i))}`,
  );
  return file([HEADER, ...rows].join('\n') + '\n');
}

/** Everything GitHub-flavoured Markdown (or GitHub around it) would act on, as JTL labels. */
const MD_LABELS = [
  '[x](https://evil.example/)',
  '![](https://evil.example/pixel.png)',
  '<https://evil.example/auto>',
  'see https://evil.example/bare now',
  'http://evil.example',
  'www.evil.example/path',
  'mail a@b.example or @octocat',
  'mailto:c@d.example',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<!-- comment -->',
  '<details><summary>open me</summary>',
  '*em* _em_ **strong** __strong__ ~~del~~ ~del~',
  '# heading',
  '&lt;not a tag&gt; &amp; &#65; &copy;',
  'one `tick` and ``two`` and ```three',
  'pipe | in | label',
  'line1\nline2\r\nline3',
  'back\\slash\\ C:\\dir\\ \\| \\*',
  '[^1] footnote [ ] task [x] done',
  '$x^2$ math',
  '- list',
  '> quote',
  '1. ordered',
  '[ref]: https://evil.example/ref',
  'ctrl \x01 esc \x1b[31m red \x7f del',
  'GET /api/v1.0/users?id=1&x=2',
];

const HOSTILE_HOST = '<img src=https://evil.example/host.png>';
const HOSTILE_WARNING = '![w](https://evil.example/w.png) <b>bold</b> www.evil.example e@f.example';

/** What a reader should see: newlines become spaces, controls visible escapes, cells trimmed. */
const shown = (t: string) => visibleControls(t.replace(/\r\n|[\r\n]/g, ' ')).trim();

describe('summary.md through cmark-gfm (GitHub’s renderer)', () => {
  let summary: Summary;
  let html: string;
  const gateExpressions = [
    '"[g](https://evil.example/g) <img src=x>": p95 < 1s',
    '"a `b` ``c`` | d": max < 1ms',
    '"www.evil.example": p95 < 1s',
    'p95 < 1s',
  ];

  beforeAll(async () => {
    const f = jtl(MD_LABELS, (i) => (i === 0 ? HOSTILE_HOST : 'w1'));
    summary = await analyseJtl(f, { gates: parseGates(gateExpressions).gates });
    summary.warnings.push(HOSTILE_WARNING);
    html = cmark(renderMarkdown(summary));
  });

  test('the JTL labels were read as written', () => {
    expect(summary.labels.map((l) => l.label).sort()).toEqual([...MD_LABELS].sort());
  });

  test('no link, image, raw HTML or Markdown formatting anywhere', () => {
    for (const bad of ['<a ', '<img', '<script', '<!--', '<details', '<summary', '<b>', '<em>', '<del>']) {
      expect(html).not.toContain(bad);
    }
    for (const bad of [
      '<code',
      '<h1',
      '<blockquote>\n<p>quote',
      '<ol',
      '<ul',
      '<sup',
      '<input',
      '<section',
    ]) {
      expect(html).not.toContain(bad);
    }
    expect(html.match(/<h2>/g)).toHaveLength(1);
  });

  test('every label is its literal text, one row of 12 cells each', () => {
    const rows = tableRows(html, 1);
    expect(rows).toHaveLength(MD_LABELS.length + 1);
    for (const cells of rows) expect(cells).toHaveLength(12);
    const labels = rows.slice(0, -1).map((cells) => cells[0] as string);
    for (const cell of labels) expect(cell).not.toContain('<');
    expect(labels.map(plain).sort()).toEqual(MD_LABELS.map(shown).sort());
    expect(rows.at(-1)?.[0]).toBe('<strong>Total</strong>');
  });

  test('gate expressions and reasons are literal text too', () => {
    const rows = tableRows(html, 0);
    expect(rows).toHaveLength(gateExpressions.length);
    for (const cells of rows) expect(cells).toHaveLength(6);
    expect(rows.map((cells) => plain(cells[1] as string))).toEqual(gateExpressions);
    const reasons = summary.gates.map((g) => (g.passed ? '' : shown(g.reason)));
    // Every gate here is on a label the run lacks: its reason quotes hostile labels, its own or the closest.
    expect(reasons.filter((r) => r.includes('evil.example'))).toHaveLength(3);
    expect(rows.map((cells) => plain(cells[5] as string))).toEqual(reasons);
    for (const cells of rows) expect(cells.join('')).not.toMatch(/<(?!\/?strong>)/);
  });

  test('workers and warnings are literal text', () => {
    expect(plain(html)).toContain(`Samples per worker: ${HOSTILE_HOST} 1, w1 ${MD_LABELS.length - 1}`);
    const quote = html.split('<blockquote>\n<p>⚠️ ')[1]?.split('</p>')[0] ?? '';
    expect(plain(quote)).toBe(HOSTILE_WARNING);
  });

  test('the escaping in the Markdown source', () => {
    expect(mdText('a|b\nc')).toBe('a\\|b c');
    expect(mdText('x@y.z')).toBe('x\\@&#8288;y\\.z');
    expect(mdText('\x1b[2J')).toBe('\\\\x1b\\[2J');
  });
});

/** Characters XML 1.0 does not allow, as a JTL label or gate label could carry them. */
const XML_HOSTILE = ['ctrl \x01 here', 'ansi \x1b[31m red', 'nonchar \uFFFE end', 'lone \uD800 surrogate'];

function xmlProblems(text: string): string[] {
  const errors: string[] = [];
  const parser = new SaxesParser();
  parser.on('error', (e) => errors.push(e.message));
  parser.write(text).close();
  return errors;
}

describe('junit.xml, report.html and summary.json with control characters in labels', () => {
  let summary: Summary;
  beforeAll(async () => {
    // A lone surrogate cannot be in a UTF-8 JTL; it reaches the reports through a gate's label (YAML, CLI).
    const f = jtl(XML_HOSTILE.slice(0, 3));
    const gates = parseGates([
      ...XML_HOSTILE.slice(0, 3).map((l) => `"${l}": p95 > 1s`),
      { label: XML_HOSTILE[3], metric: 'p95', op: '<', value: '1s' },
    ]).gates;
    summary = await analyseJtl(f, { gates });
  });

  test('junit.xml is well-formed XML, with the characters shown as escapes', () => {
    const xml = renderJunit(summary);
    expect(xmlProblems(xml)).toEqual([]);
    expect(summary.gates.every((g) => !g.passed)).toBe(true);
    for (const visible of ['\\x01', '\\x1b[31m', '\\ufffe', '\\ud800']) expect(xml).toContain(visible);
  });

  test('junit.xml keeps newlines and tabs in attributes as character references', () => {
    const s = { ...summary, gates: [{ ...summary.gates[0]!, expression: 'a\tb\nc', reason: 'r\r\n' }] };
    const xml = renderJunit(s);
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('name="a&#9;b&#10;c"');
  });

  test('report.html: no forbidden characters; its label and gate tables parse as XML', () => {
    const html = renderHtml(summary);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(html).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]/u);
    for (const visible of ['\\x01', '\\x1b[31m', '\\ufffe', '\\ud800']) expect(html).toContain(visible);
    for (const tbody of html.match(/<tbody>[\s\S]*?<\/tbody>/g) ?? []) {
      expect(xmlProblems(tbody.replace(/&#39;/g, "'"))).toEqual([]);
    }
  });

  test('summary.json keeps the exact text; a lone surrogate as a \\ud800 escape', async () => {
    const out = path.join(dir, 'reports');
    await writeReports(out, summary);
    const text = readFileSync(path.join(out, 'summary.json'), 'utf8');
    expect(text).toContain('lone \\ud800 surrogate');
    expect(text).not.toContain('\uFFFD');
    const doc = JSON.parse(text) as Summary;
    expect(doc.gates[3]?.label).toBe(XML_HOSTILE[3]);
    expect(doc.labels.map((l) => l.label).sort()).toEqual(XML_HOSTILE.slice(0, 3).sort());
    expect(xmlProblems(readFileSync(path.join(out, 'junit.xml'), 'utf8'))).toEqual([]);
  });
});

describe('console verdict lines', () => {
  test('no terminal escapes, no forged lines; columns line up', async () => {
    const label = 'x\x1b]0;pwned\x07\x1b[2J\n  PASS  fake';
    const f = jtl([label, 'ok']);
    const s = await analyseJtl(f, {
      gates: parseGates([`"${label}": p95 < 1s`, '"ok": p95 < 1s', '"\x9b31m": p95 < 1s']).gates,
    });
    s.warnings.push('warn \x1b[1A\r overwritten');
    const lines = verdictLines(s, 'plan\x1b[2J.jmx');
    expect(lines).toHaveLength(1 + 3 + 1 + 1);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    for (const line of lines) expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(lines[0]).toMatch(/^plan\\x1b\[2J\.jmx: /);
    expect(lines[1]).toContain('PASS  "x\\x1b]0;pwned\\x07\\x1b[2J\\x0a  PASS  fake": p95 < 1s  actual');
    expect(lines[3]).toContain('FAIL  "\\x9b31m": p95 < 1s');
    expect(lines[2]?.indexOf('actual')).toBe(lines[1]?.indexOf('actual'));
    expect(lines.at(-1)).toBe('  warning: warn \\x1b[1A\\x0d overwritten');
  });
});

describe('visibleControls', () => {
  test.each([
    ['plain text, ünïcödé and 🚀', 'plain text, ünïcödé and 🚀'],
    ['\x00\x01\x1b\x7f\x85\x9f', '\\x00\\x01\\x1b\\x7f\\x85\\x9f'],
    ['a\tb\nc\rd', 'a\\x09b\\x0ac\\x0dd'],
    ['\uFFFE\uFFFF', '\\ufffe\\uffff'],
    ['lone \uD800 and \uDC00, a pair \uD83D\uDE80', 'lone \\ud800 and \\udc00, a pair 🚀'],
    ['bidi \u202Edeliaf\u202C \u2066x\u2069', 'bidi \\u202edeliaf\\u202c \\u2066x\\u2069'],
  ])('%j', (input, expected) => {
    expect(visibleControls(input)).toBe(expected);
  });

  test('keepWhitespace leaves tab, line feed and carriage return', () => {
    expect(visibleControls('a\tb\nc\r\x01', { keepWhitespace: true })).toBe('a\tb\nc\r\\x01');
  });
});

describe('a JTL without samples says so', () => {
  const noSamples = /^no samples: .* has no sample rows \(the plan recorded nothing\)$/;

  test.each([
    ['CSV with only a header', `${HEADER}\n`],
    [
      'XML without samples',
      '<?xml version="1.0" encoding="UTF-8"?>\n<testResults version="1.2">\n</testResults>\n',
    ],
  ])('%s: a warning in the summary, summary.md and on the console', async (_, text) => {
    const f = file(text);
    const s = await analyseJtl(f, { gates: [] });
    expect(s.totals.samples).toBe(0);
    expect(s.warnings).toEqual([`no samples: ${f} has no sample rows (the plan recorded nothing)`]);
    expect(plain(cmark(renderMarkdown(s)))).toContain(`⚠️ no samples: ${f} has no sample rows`);
    expect(verdictLines(s, 't').at(-1)).toMatch(/^ {2}warning: no samples: /);
  });

  test('an empty file is reported once, by the reader', async () => {
    const s = await analyseJtl(file(''), { gates: [] });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/: empty, no samples$/);
    expect(s.warnings[0]).not.toMatch(noSamples);
  });

  test('a JTL with samples has no such warning', async () => {
    const s = await analyseJtl(jtl(['a']), { gates: [] });
    expect(s.warnings).toEqual([]);
  });
});

/** What an earlier run's summary.json may say about itself: a pull request's workspace can hold any. */
const HOSTILE_RUNS = [
  {
    runId: '[x](https://evil.example/) <img src=x onerror=alert(1)>',
    startedAt: '<b>not a date</b>',
    source: { commit: '<script>alert(1)</script>', ciUrl: 'javascript:alert(1)' },
  },
  {
    runId: 'a@b.ex @octo |p\nq \x01\x1b[31m www.e.example',
    startedAt: '2026-11-03T10:00:00Z',
    source: {
      commit: '`c` **b** [^1]',
      ciUrl: 'https://github.com/o/r/actions/runs/1)[x](https://evil.example/) "<img src=x>|',
    },
  },
  {
    runId: 'x'.repeat(200),
    startedAt: '2026-11-02T10:00:00Z',
    source: { commit: 'f'.repeat(40), ciUrl: 'https://evil.example/phish' },
  },
];

describe('a trend of earlier runs with hostile run ids, commits and URLs', () => {
  const history = HOSTILE_RUNS.map((run, i) => simulatedRun({ level: 1, seed: 40 + i, run }));
  const s = simulatedRun({
    level: 1,
    seed: 50,
    run: runMeta(9),
    history,
    gates: ['p95 <= baseline+10%', 'throughput >= baseline-10%'],
  });
  // A hand-edited summary: not a number where one belongs.
  s.history![1]!.throughput = '<img src=x>' as unknown as number;

  test('summary.md through cmark-gfm: literal text, links only to this CI, no HTML or formatting', () => {
    const md = renderMarkdown(s);
    const html = cmark(md);
    const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      'https://github.com/o/r/actions/runs/1%29%5Bx%5D%28https://evil.example/%29%20%22%3Cimg%20src=x%3E%7C',
      'https://github.com/o/r/actions/runs/109',
    ]);
    for (const bad of ['<img', '<script', '<b>', '<em>', '<strong>b', '<code>', '<sup', 'javascript:'])
      expect(html).not.toContain(bad);
    const trend = tableRows(html, 1);
    expect(trend).toHaveLength(4);
    for (const cells of trend) expect(cells).toHaveLength(7);
    const text = (c: string) => plain(c.replace(/<a href="[^"]*">|<\/a>/g, ''));
    expect(trend.slice(0, 3).map((cells) => text(cells[1] as string))).toEqual([
      `${'x'.repeat(39)}…`,
      shown(HOSTILE_RUNS[1]!.runId),
      '[x](https://evil.example/) <img src=x o…',
    ]);
    expect(trend.slice(0, 3).map((cells) => text(cells[2] as string))).toEqual([
      'fffffff',
      '`c` **b** [^1]',
      '<script>alert(1…',
    ]);
    expect(trend[2]?.[3]).toBe('–');
    expect(trend[1]?.[6]).toBe('–');
    // The chart leaves the run without a number out; only our own texts are in its source.
    const chart = md.split('Throughput (samples/s) per run')[1]!.split('```')[0]!;
    expect(chart).toContain('x-axis ["-3", "-1", "this run"]');
    for (const block of md.split('```mermaid').slice(1))
      expect(block.split('```')[0]).toMatch(
        /^\nxychart-beta\n( {2}(title|x-axis|y-axis|bar|line) [-\w ",.()/%;:[\]]*\n)+$/,
      );
  });

  test('report.html: escaped text, an http(s) link to this CI only, the table and charts parse as XML', () => {
    const html = renderHtml(s);
    const trend = html.split('<h2>Trend</h2>')[1]!.split('<h2>Charts</h2>')[0]!;
    expect([...trend.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      'https://github.com/o/r/actions/runs/1%29%5Bx%5D%28https://evil.example/%29%20%22%3Cimg%20src=x%3E%7C',
      'https://github.com/o/r/actions/runs/109',
    ]);
    expect(trend).not.toMatch(/<(img|script|b)[\s>]/);
    expect(trend).toContain('&lt;script&gt;alert(1…');
    expect(trend).toContain('\\x1b[31m');
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(trend).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/);
    const errors: string[] = [];
    const parser = new SaxesParser();
    parser.on('error', (e) => errors.push(e.message));
    parser.write(`<div>${trend.replace(/&#39;/g, "'")}</div>`).close();
    expect(errors).toEqual([]);
  });

  test('the console: no terminal escapes, no forged lines, the unsafe URL not shown', () => {
    const lines = trendLines(s);
    expect(lines).toHaveLength(1 + 1 + 4);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    for (const line of lines) expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(lines.join('\n')).not.toContain('javascript:');
    expect(lines[3]).toContain('|p\\x0aq \\x01\\x1b[31m www');
  });
});
