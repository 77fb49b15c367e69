import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { addToken } from '../../src/server/auth.js';
import { OPENAPI } from '../../src/server/openapi.js';
import { PAGE_CSP, renderPage, type PageData } from '../../src/server/page.js';
import type { RunningServer } from '../../src/server/server.js';
import { jmeterImage, testClient } from '../helpers/env.js';
import { expectMatchesSpec, expectRequestMatchesSpec, expectSchema } from '../helpers/openapi.js';
import { api, type Json, readEvents, startTestServer, tarGz, waitTask } from '../helpers/server.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

const client = testClient();
const suite = targetSuite(client);
const quickstart = path.resolve('examples/quickstart');

/**
 * A call whose answer must be what OPENAPI documents for it. `route` is the operation's path template;
 * `url` the concrete path (default: the template).
 */
async function call(
  base: string,
  method: string,
  route: string,
  status: number,
  opts: NonNullable<Parameters<typeof api>[3]> & { url?: string } = {},
) {
  if (opts.body !== undefined) expectRequestMatchesSpec(method, route, opts.body);
  const res = await api(base, method, opts.url ?? route, opts);
  expect({ route, status: res.status }).toEqual({ route, status });
  const type = (res.headers.get('content-type') ?? '').split(';')[0] as string;
  expectMatchesSpec(method, route, res.status, res.body, type || undefined);
  return res;
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.ATQ_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page without JavaScript that records every console message, failed request and error answer. */
async function openPage(browser: Browser, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ javaScriptEnabled: false, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // Browsers ask every origin for /favicon.ico on their own; the server has none, and no page links one.
    if (!m.location().url.endsWith('/favicon.ico'))
      problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  return { page, problems, close: () => context.close() };
}

const cell = (page: Page, id: string, column: string) => page.locator(`tr[data-task="${id}"] td.${column}`);

/** A common laptop screen: the page must fit it without scrolling sideways. */
const DESKTOP = { width: 1280, height: 800 };

/** How far the page reaches past the window's right edge, in CSS pixels (0: it fits). */
async function horizontalOverflow(page: Page): Promise<number> {
  // runs in the page; this file is compiled without the DOM's types, hence the cast
  type Root = { scrollWidth: number; clientWidth: number };
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: Root } }).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

/** The widest page tasks make: long unbroken names, owners, errors, progress and result links, every column set. */
const LONG_PAGE: PageData = (() => {
  const word = (n: number) => 'checkout-flow-nightly-regression-suite-eu-west-'.repeat(n);
  const path = `/var/lib/atq/data/tasks/Xy3kL9mN2pQr/results/20261206-204631-a1b2c3/${word(2)}/jmeter.log`;
  const stages = {
    lease: 120,
    network: 800,
    workers: 1500,
    ready: 12_000,
    'master-run': 120_000,
    collect: 3000,
  };
  const base = {
    kind: 'atq' as const,
    owner: 'frontend-performance-team@company.example',
    payload: {},
    createdAt: '2026-05-01T12:00:00.000Z',
    startedAt: '2026-05-01T12:00:01.000Z',
    finishedAt: '2026-05-01T12:04:01.000Z',
    stages,
    position: 0,
  };
  const links = ['report.html', 'summary.json', 'junit.xml'].map((f) => ({
    label: `${word(1)}: ${f}`,
    href: '/x',
  }));
  const tasks = ['collecting', 'failed', 'finished', 'queued'].map((status, i) => ({
    ...base,
    id: `Xy3kL9mN2pQ${i}`,
    seq: i + 1,
    name: word(1 + i),
    status: status as PageData['tasks'][number]['status'],
    verdict: 'inconclusive',
    progress: `summary + 1234 in 00:00:10 = 123.4/s ${word(1)}`,
    error: {
      code: 'JMETER_PLAN_FAILED',
      message: `JMeter failed running ${word(1)}.jmx: see ${path}\n${path}`,
    },
    results: [{ label: 'files', href: '/x' }, ...links],
  }));
  const schedules = [
    { id: 'Qw3kL9mN2pQr', cron: '0 3 * * 1-5', name: word(2), owner: base.owner, nextRun: base.createdAt },
  ];
  return {
    version: '0.1.0',
    tasks,
    total: 4,
    limit: 50,
    offset: 0,
    queue: { running: 1, queued: 1, concurrency: 1 },
    schedules,
  };
})();

describe('atq serve: the API as documented, and the page in a real browser', () => {
  let server: RunningServer;
  let base = '';
  let browser: Browser;
  let finished: Json;

  beforeAll(async () => {
    server = await startTestServer();
    base = server.url;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('uploads, a real task and every other route: each answer matches the OpenAPI document', async () => {
    await call(base, 'GET', '/api/monitoring/ping', 200);
    const doc = await call(base, 'GET', '/api/openapi.json', 200);
    expect(doc.body).toEqual({ ...OPENAPI, info: { ...OPENAPI.info, version: 'test' } });
    const swarm = await call(base, 'GET', '/api/swarm', 200);
    expect(swarm.body.nodes.length).toBeGreaterThan(0);

    const archive = tarGz(quickstart);
    const up = await call(base, 'POST', '/api/databind/upload', 201, {
      raw: archive,
      headers: { 'content-type': 'application/gzip', 'x-file-name': 'quickstart.tar.gz' },
    });
    expect(up.body).toMatchObject({ name: 'quickstart.tar.gz', plans: ['plan.jmx'] });
    const form = new FormData();
    form.append('file', new Blob([archive]), 'form.tar.gz');
    const formRes = await fetch(`${base}/api/databind/upload`, { method: 'POST', body: form });
    expect(formRes.status).toBe(201);
    const second: Json = await formRes.json();
    expectMatchesSpec('POST', '/api/databind/upload', 201, second);
    const list = await call(base, 'GET', '/api/databind/list', 200);
    expect(list.body.files.map((f: Json) => f.id)).toEqual(expect.arrayContaining([up.body.id, second.id]));
    await call(base, 'DELETE', '/api/databind/{id}', 204, { url: `/api/databind/${second.id}` });
    await call(base, 'DELETE', '/api/databind/{id}', 404, { url: `/api/databind/${second.id}` });
    await call(base, 'POST', '/api/databind/upload', 400, {
      raw: Buffer.from('not an archive'),
      headers: { 'content-type': 'application/gzip' },
    });

    const body = {
      fileId: up.body.id,
      name: 'page <b>quickstart</b>',
      plan: 'plan.jmx',
      image: jmeterImage(),
      workers: 1,
      'attach-network': [suite.target.network],
      prop: { 'target.host': suite.target.host, threads: 2, loops: 5 },
      criteria: ['error_rate < 1%'],
    };
    const put = await call(base, 'PUT', '/api/task', 202, { body });
    const id = put.body.id as string;
    finished = await pollUntilEnded(base, id);
    expect(finished).toMatchObject({ status: 'finished', verdict: 'passed', position: 0 });

    for (const e of await readEvents(base, id)) {
      expectSchema('TaskEvent', e.data);
      expect(e.event).toBe(e.data.kind);
    }
    const results = await call(base, 'GET', '/api/task/{id}/results', 200, {
      url: `/api/task/${id}/results`,
    });
    expect(results.body.files.map((f: Json) => f.path)).toEqual(
      expect.arrayContaining([
        'report.html',
        'report.css',
        'summary.json',
        'junit.xml',
        'run.json',
        'results.jtl',
      ]),
    );
    await call(base, 'GET', '/api/task/{id}/results/{path}', 200, {
      url: `/api/task/${id}/results/summary.json`,
    });
    await call(base, 'GET', '/api/task/{id}/results/{path}', 404, {
      url: `/api/task/${id}/results/..%2f..%2fatq.sqlite`,
    });
    expect(await leftovers(client, finished.runId)).toEqual([]);
  });

  test('lists, filters, schedules and errors, as documented', async () => {
    const page = await call(base, 'GET', '/api/task', 200, {
      url: '/api/task?status=finished,failed&owner=local&limit=5&offset=0',
    });
    expect(page.body.tasks.map((t: Json) => t.id)).toContain(finished.id);
    await call(base, 'GET', '/api/task', 400, { url: '/api/task?status=done' });
    await call(base, 'GET', '/api/task/{id}', 404, { url: '/api/task/nope' });
    await call(base, 'DELETE', '/api/task/{id}', 409, { url: `/api/task/${finished.id}` });
    await call(base, 'PATCH', '/api/task/{id}', 405, { url: `/api/task/${finished.id}` });
    const bad = await call(base, 'PUT', '/api/task', 400, {
      raw: Buffer.from('{"fileId": 1, "workers": 0}'),
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.body.error.problems.length).toBeGreaterThan(0);
    const sched = await call(base, 'PUT', '/api/task', 201, {
      body: { fileId: finished.payload.fileId, name: 'yearly', schedule: '0 3 1 1 *', workers: 1 },
    });
    const schedules = await call(base, 'GET', '/api/schedule', 200);
    expect(schedules.body.schedules.map((s: Json) => s.id)).toContain(sched.body.id);
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('<code>0 3 1 1 *</code>');
    await call(base, 'DELETE', '/api/schedule/{id}', 204, { url: `/api/schedule/${sched.body.id}` });
    await call(base, 'DELETE', '/api/schedule/{id}', 404, { url: `/api/schedule/${sched.body.id}` });
  });

  test('the page, without JavaScript: the task with its status and verdict, and its report with its CSS', async () => {
    const { page, problems, close } = await openPage(browser, { viewport: DESKTOP });
    try {
      const res = await page.goto(`${base}/`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
      expectMatchesSpec('GET', '/', 200, await res?.text(), 'text/html');
      const id = finished.id as string;
      expect(await cell(page, id, 'task').textContent()).toContain('page <b>quickstart</b>');
      expect(await cell(page, id, 'status').textContent()).toBe('finished');
      expect(await cell(page, id, 'verdict').textContent()).toBe('passed');
      expect(await cell(page, id, 'stages').textContent()).toMatch(/total \d/);
      expect(await page.locator('p.queue').textContent()).toContain('Running 0 of 1 at once');
      expect(await horizontalOverflow(page)).toBe(0);
      mkdirSync('test-output', { recursive: true });
      await page.screenshot({ path: 'test-output/server-page.png', fullPage: true });
      const css: number[] = [];
      page.on('response', (r) => {
        if (r.url().endsWith('/report.css')) css.push(r.status());
      });
      await Promise.all([
        page.waitForLoadState('load'),
        cell(page, id, 'links').getByText('report.html').click(),
      ]);
      await page.waitForLoadState('load');
      expect(page.url()).toBe(`${base}/api/task/${id}/results/report.html`);
      expect(css).toEqual([200]);
      expect(await page.locator('figure.chart svg').count()).toBeGreaterThan(0);
      expect(await page.title()).toBe(`Load test ${finished.runId}`);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  test('the table fits 1280 px: long names, owners, errors and result links wrap inside their cells', async () => {
    const { page, problems, close } = await openPage(browser, { viewport: DESKTOP });
    try {
      // Served as the server serves the page (its CSP allows only its own style), at an address of its own.
      await page.route('http://atq.test/', (r) =>
        r.fulfill({
          contentType: 'text/html',
          headers: { 'content-security-policy': PAGE_CSP },
          body: renderPage(LONG_PAGE),
        }),
      );
      await page.goto('http://atq.test/');
      expect(await page.locator('table.tasks tbody tr').count()).toBe(LONG_PAGE.tasks.length);
      mkdirSync('test-output', { recursive: true });
      await page.screenshot({ path: 'test-output/server-page-1280.png', fullPage: true });
      expect(await horizontalOverflow(page)).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  test('while a task is queued or running the page reloads itself and says so; once idle it stops', async () => {
    const body = {
      fileId: finished.payload.fileId,
      name: 'keeps the queue busy',
      plan: 'plan.jmx',
      image: jmeterImage(),
      workers: 1,
      'attach-network': [suite.target.network],
      prop: { 'target.host': suite.target.host, threads: 1, loops: 1_000_000 },
      timeout: '150s',
    };
    const put = await call(base, 'PUT', '/api/task', 202, { body });
    const id = put.body.id as string;
    const { page, problems, close } = await openPage(browser);
    let loads = 0;
    page.on('response', (r) => {
      if (r.request().isNavigationRequest() && r.url() === `${base}/`) loads++;
    });
    try {
      await page.goto(`${base}/`);
      expect(await page.locator('p.queue').textContent()).toContain(
        'reloads every 10 s until the queue is idle',
      );
      await page.waitForTimeout(12_000);
      expect(loads).toBeGreaterThanOrEqual(2);

      await call(base, 'DELETE', '/api/task/{id}', 202, { url: `/api/task/${id}` });
      const ended = await waitTask(base, id);
      expect(ended.status).toBe('cancelled');
      await page.goto(`${base}/`);
      loads = 1;
      expect(await page.locator('p.queue').textContent()).not.toContain('reloads');
      await page.waitForTimeout(12_000);
      expect(loads).toBe(1);
      expect(problems).toEqual([]);
      expect(await leftovers(client, ended.runId)).toEqual([]);
    } finally {
      await close();
    }
  });

  test('a server with --tokens: the page answers 401 asking for Basic credentials, and shows with them', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'atq-page-tokens-')), 'tokens');
    const token = await addToken(file, 'browser');
    const guarded = await startTestServer({ tokensFile: file });
    try {
      const bare = await fetch(`${guarded.url}/`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toMatch(/^Basic realm="atq"/);
      expectMatchesSpec('GET', '/', 401, await bare.json());
      await call(guarded.url, 'GET', '/api/task', 401);
      await call(guarded.url, 'GET', '/api/monitoring/ping', 200);

      const anonymous = await openPage(browser);
      // Chromium gets the Basic challenge; with no credentials to give (the prompt dismissed), it stops there.
      await expect(anonymous.page.goto(`${guarded.url}/`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      await anonymous.close();
      const signedIn = await openPage(browser, { httpCredentials: { username: 'anyone', password: token } });
      const res = await signedIn.page.goto(`${guarded.url}/`);
      expect(res?.status()).toBe(200);
      expect(await signedIn.page.locator('h1').textContent()).toBe('atq serve');
      expect(await signedIn.page.locator('table.tasks').textContent()).toContain('No tasks yet');
      expect(signedIn.problems).toEqual([]);
      await signedIn.close();
    } finally {
      await guarded.close();
    }
  });
});

/** Polls the task until it ends, checking every answer against the document; on the way, the page refreshes. */
async function pollUntilEnded(base: string, id: string): Promise<Json> {
  const until = Date.now() + 240_000;
  let sawRefresh = false;
  for (;;) {
    const { body } = await call(base, 'GET', '/api/task/{id}', 200, { url: `/api/task/${id}` });
    if (['finished', 'failed', 'cancelled'].includes(body.status)) {
      // The task ran for seconds: at least one look at the page while it did asked the browser to refresh.
      expect(sawRefresh).toBe(true);
      return body;
    }
    if (!sawRefresh) sawRefresh = (await (await fetch(`${base}/`)).text()).includes('http-equiv="refresh"');
    if (Date.now() > until) throw new Error(`task ${id} still ${body.status} after 240 s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
