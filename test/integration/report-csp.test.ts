import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { parseGates } from '../../src/config/gate-grammar.js';
import { analyseJtl } from '../../src/results/summary.js';
import { writeReports } from '../../src/results/write.js';
import { simulatedHistory } from '../helpers/trend-summaries.js';

// Jenkins' default Content-Security-Policy for archived files (hudson.model.DirectoryBrowserSupport.CSP).
const JENKINS_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'self';";

let server: Server;
let browser: Browser;
let url: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-report-'));
  const rows = ['timeStamp,elapsed,label,responseCode,success,bytes,sentBytes,allThreads,Hostname'];
  for (let i = 0; i < 3000; i++) {
    const slow = i % 100 === 0 ? 900 : 0;
    rows.push(
      `${1_700_000_000_000 + i * 20},${20 + (i % 37) + slow},${['GET /', 'POST /login', 'GET /search'][i % 3]},${i % 40 ? 200 : 500},${i % 40 ? 'true' : 'false'},200,50,${Math.min(20, 1 + Math.floor(i / 100))},w${i % 2}`,
    );
  }
  writeFileSync(path.join(dir, 'results.jtl'), rows.join('\n') + '\n');
  const summary = await analyseJtl(path.join(dir, 'results.jtl'), {
    gates: parseGates(['p95 < 500ms', 'error_rate < 1%', 'p95 <= baseline+10%']).gates,
    // Earlier runs: the trend's table and SVG charts (issue 21) render under the CSP too.
    history: simulatedHistory(6, 0.05),
    run: {
      runId: '20261125-000000-abcdef',
      plan: 'checkout.jmx',
      workerImage: 'jmeter:5.6.3',
      workersRequested: 2,
      source: { commit: 'abcdef0123456789', ciUrl: 'https://github.com/o/r/actions/runs/109' },
    },
  });
  await writeReports(dir, summary);
  server = createServer(async (req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname);
    try {
      const body = await readFile(path.join(dir, name));
      res.writeHead(200, {
        'Content-Type': name.endsWith('.css') ? 'text/css' : 'text/html',
        'Content-Security-Policy': JENKINS_CSP,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/report.html`;
  browser = await chromium.launch({
    executablePath: process.env.ATQ_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  server?.close();
});

test("report.html renders fully under Jenkins' CSP: styles apply, all charts drawn, nothing refused", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  // runs in the page; this file is compiled without the DOM's types, hence the cast
  type Window = { getComputedStyle(e: unknown): Record<string, string> };
  const computed = (selector: string, prop: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((e, p) => (globalThis as unknown as Window).getComputedStyle(e)[p], prop);
  const res = await page.goto(url);
  expect(res?.headers()['content-security-policy']).toBe(JENKINS_CSP);
  expect(refused).toEqual([]);
  // report.css applied (only it sets these), so the external stylesheet is allowed by style-src 'self'.
  expect(await computed('.verdict', 'backgroundColor')).toBe('rgb(253, 226, 225)');
  expect(await computed('.line.p90', 'stroke')).toBe('rgb(224, 163, 26)');
  // Five charts: percentiles (3 lines), throughput, errors (bars), threads, distribution (bars); and the
  // trend's three (p95, error rate, throughput per run: a line, a dot per run, this run's larger).
  expect(await page.locator('figure.chart svg').count()).toBe(5 + 3);
  expect(await page.locator('polyline.line').count()).toBe(5 + 3);
  expect(await page.locator('circle.dot.trend').count()).toBe(3 * 6);
  expect(await computed('circle.dot.now', 'fill')).toBe('rgb(224, 163, 26)');
  expect(await computed('line.threshold', 'strokeDasharray')).toBe('6px, 4px');
  expect(await computed('tr.now td', 'fontWeight')).toBe('600');
  const dot = await page.locator('circle.dot.now').first().boundingBox();
  expect(dot?.width).toBeGreaterThan(10);
  expect(await page.locator('a[href="https://github.com/o/r/actions/runs/109"]').count()).toBe(1);
  expect(await page.locator('rect.bar.dist').count()).toBeGreaterThan(5);
  const box = await page.locator('figure.chart svg').first().boundingBox();
  expect(box?.width).toBeGreaterThan(600);
  expect(await page.locator('text=p95 < 500ms').count()).toBe(1);
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/report.png', fullPage: true });
});
