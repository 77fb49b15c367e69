import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addToken } from '../../src/server/auth.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';
import { PAGE_CSP, renderPage, resultLinks, stagesSummary, type PageData } from '../../src/server/page.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { silentLogger } from '../../src/util/log.js';

const HOSTILE = '<script>alert(1)</script>"\'&';

function task(over: Partial<PageData['tasks'][number]> = {}): PageData['tasks'][number] {
  return {
    id: 'task-1',
    seq: 1,
    kind: 'atq',
    status: 'finished',
    owner: 'ci',
    payload: {},
    createdAt: '2026-05-01T12:00:00.000Z',
    stages: {},
    position: 0,
    results: [],
    ...over,
  };
}

function page(tasks: PageData['tasks'], over: Partial<PageData> = {}): string {
  return renderPage({
    version: '1.2.3',
    tasks,
    total: tasks.length,
    limit: 50,
    offset: 0,
    queue: { running: 0, queued: 0, concurrency: 1 },
    schedules: [],
    ...over,
  });
}

/** The text of the row of one task. */
const row = (html: string, id: string) => html.split('\n').find((l) => l.includes(`data-task="${id}"`)) ?? '';

describe('renderPage', () => {
  test('escapes everything users give: names, errors, owners, schedules, progress', () => {
    const html = page(
      [
        task({
          name: HOSTILE,
          owner: HOSTILE,
          status: 'failed',
          error: { code: 'RUN_FAILED', message: `${HOSTILE}\nsecond <b>line</b>` },
        }),
        task({ id: 'task-2', status: 'running', progress: HOSTILE }),
      ],
      {
        schedules: [
          { id: 's1', cron: '0 2 * * *', name: HOSTILE, owner: 'ci', nextRun: '2026-05-02T02:00:00.000Z' },
        ],
      },
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    // The first line of the error shows; the rest folds away in <details>.
    expect(row(html, 'task-1')).toMatch(
      /<summary><code>RUN_FAILED<\/code> &lt;script&gt;.*<\/summary><pre>second &lt;b&gt;line&lt;\/b&gt;<\/pre>/,
    );
  });

  test('shows each status, the queue position, the verdict, times and stage timings', () => {
    const html = page(
      [
        task({ id: 'q', status: 'queued', position: 2 }),
        task({ id: 'r', status: 'running', progress: 'summary + 120 in 5s' }),
        task({
          id: 'f',
          name: 'nightly',
          verdict: 'passed',
          startedAt: '2026-05-01T12:00:01.000Z',
          finishedAt: '2026-05-01T12:00:31.500Z',
          stages: { bundle: 120, engines: 25_000 },
        }),
        task({ id: 'c', status: 'cancelled', error: { code: 'RUN_ABORTED', message: 'Cancelled.' } }),
      ],
      { queue: { running: 1, queued: 1, concurrency: 1 } },
    );
    expect(row(html, 'q')).toContain(
      '<span class="badge s-queued">queued</span><br><span class="muted">#2 in the queue</span>',
    );
    expect(row(html, 'r')).toContain('summary + 120 in 5s');
    expect(row(html, 'f')).toContain('<span class="badge v-passed">passed</span>');
    // The date and the time each stay on one line; the table may wrap between them.
    expect(row(html, 'f')).toContain(
      '<td class="finished"><span class="nw">2026-05-01</span> <span class="nw">12:00:31Z</span></td>',
    );
    expect(row(html, 'f')).toContain('bundle 120ms, engines 25.0s, total 30.5s');
    expect(row(html, 'c')).toContain('<code>RUN_ABORTED</code> Cancelled.');
    expect(html).toContain('Running <strong>1</strong> of 1 at once');
    // Something is queued or running: the page refreshes itself (no JavaScript needed), and says so.
    expect(html).toContain('<meta http-equiv="refresh" content="10">');
    expect(html).toContain('this page reloads every 10 s until the queue is idle');
    expect(page([task()])).not.toContain('http-equiv="refresh"');
    expect(page([task()])).not.toContain('reloads every');
  });

  test('under the verdict: why it may not be what it seems (auto-stopped, a saturated generator), escaped', () => {
    const html = page([
      task({
        id: 'a',
        verdict: 'failed',
        autoStop: { criterion: 'error_rate > 50% for 6s', message: `stopped the run at 7s: ${HOSTILE}` },
        unreliable: { reasons: ['worker-1: CPU'], workers: ['worker-1', HOSTILE] },
      }),
    ]);
    expect(row(html, 'a')).toContain(
      '<span class="badge v-failed">failed</span><br><span class="muted">auto-stopped: stopped the run at 7s: ' +
        '&lt;script&gt;',
    );
    expect(row(html, 'a')).toContain('unreliable: generator saturated (worker-1, &lt;script&gt;');
    expect(html).not.toContain('<script');
    expect(row(page([task({ id: 'p', verdict: 'passed' })]), 'p')).not.toMatch(/auto-stopped|unreliable/);
    // Still collecting: no verdict yet, the note starts the cell.
    const collecting = task({
      id: 'c',
      status: 'collecting',
      autoStop: { criterion: 'x', message: 'stopped' },
    });
    expect(row(page([collecting]), 'c')).toContain(
      '<td class="verdict"><span class="muted">auto-stopped: stopped</span></td>',
    );
  });

  test('links the task, its events and the result files it is given, URL-encoded', () => {
    const html = page([
      task({ id: 'a/b', results: [{ label: 'report.html', href: '/api/task/x/results/report.html' }] }),
    ]);
    expect(row(html, 'a/b')).toContain(
      '<a href="/api/task/a%2Fb">task</a> <a href="/api/task/a%2Fb/events">events</a>',
    );
    expect(row(html, 'a/b')).toContain('<a href="/api/task/x/results/report.html">report.html</a>');
  });

  test('pages through the tasks, newest first', () => {
    const tasks = Array.from({ length: 10 }, (_, i) => task({ id: `t${i}` }));
    const html = page(tasks, { total: 35, offset: 10, limit: 10 });
    expect(html).toContain(
      '<a href="/?offset=0&amp;limit=10">← newer</a><span>11–20 of 35</span><a href="/?offset=20&amp;limit=10">older →</a>',
    );
    expect(page([], { total: 0 })).toContain('No tasks yet');
  });

  test("its only style is allowed by the CSP's hash, and nothing else may load", () => {
    const style = /<style>([\s\S]*)<\/style>/.exec(page([task()]))?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(PAGE_CSP).toContain(`style-src 'sha256-${hash}'`);
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(page([task()])).not.toMatch(/<script|<img|<link|style="/);
  });

  test('stagesSummary leaves out the total until the task has ended', () => {
    expect(stagesSummary({ stages: { go: 1500 }, startedAt: '2026-05-01T12:00:00.000Z' })).toBe('go 1.5s');
  });
});

describe('resultLinks', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-page-'));

  test('no results folder: no links', async () => {
    expect(await resultLinks({ id: 't', outDir: undefined })).toEqual([]);
  });

  test('a run without a report (failed early): the listing and run.json, no report link', async () => {
    const out = path.join(dir, 'early');
    mkdirSync(path.join(out, 'logs'), { recursive: true });
    writeFileSync(path.join(out, 'run.json'), '{}');
    writeFileSync(path.join(out, 'logs', 'master.log'), '');
    expect(await resultLinks({ id: 't', outDir: out })).toEqual([
      { label: 'files', href: '/api/task/t/results' },
      { label: 'run.json', href: '/api/task/t/results/run.json' },
    ]);
  });

  test('one plan: its reports at the root; several plans: per plan folder', async () => {
    const one = path.join(dir, 'one');
    mkdirSync(one, { recursive: true });
    for (const f of ['report.html', 'summary.json', 'junit.xml', 'run.json'])
      writeFileSync(path.join(one, f), 'x');
    expect((await resultLinks({ id: 't', outDir: one })).map((l) => l.href)).toEqual([
      '/api/task/t/results',
      '/api/task/t/results/report.html',
      '/api/task/t/results/summary.json',
      '/api/task/t/results/junit.xml',
      '/api/task/t/results/run.json',
    ]);
    const two = path.join(dir, 'two');
    mkdirSync(path.join(two, 'a b'), { recursive: true });
    mkdirSync(path.join(two, 'c'), { recursive: true });
    writeFileSync(path.join(two, 'a b', 'report.html'), 'x');
    writeFileSync(path.join(two, 'c', 'summary.json'), 'x');
    expect(await resultLinks({ id: 't', outDir: two })).toEqual([
      { label: 'files', href: '/api/task/t/results' },
      { label: 'a b: report.html', href: '/api/task/t/results/a%20b/report.html' },
      { label: 'c: summary.json', href: '/api/task/t/results/c/summary.json' },
    ]);
  });
});

describe('the 401 of a server with tokens explains how to sign in (issue 22)', () => {
  let server: RunningServer;
  let token = '';
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-page-401-'));
    const tokensFile = path.join(dir, 'tokens');
    token = await addToken(tokensFile, 'browser');
    const docker = { host: 'tcp://127.0.0.1:9', insecurePlaintext: true };
    const opts = { ...SERVER_DEFAULTS, port: 0, dataDir: path.join(dir, 'data'), docker, tokensFile };
    server = await startServer(opts, silentLogger, 'test');
  });
  afterAll(() => server.close());

  const answer = async (route: string, authorization?: string) => {
    const res = await fetch(server.url + route, { headers: authorization ? { authorization } : {} });
    const text = await res.text();
    expect(text).not.toContain(token);
    return {
      status: res.status,
      challenge: res.headers.get('www-authenticate'),
      message: JSON.parse(text).error.message,
    };
  };

  test('the page: any user name, the token as the password, or a Bearer header', async () => {
    expect(await answer('/')).toEqual({
      status: 401,
      challenge: 'Basic realm="atq", charset="UTF-8"',
      message:
        "This page needs a token. In the browser's sign-in prompt give any user name and your token as the " +
        'password; other clients send the header "Authorization: Bearer <token>" (atq run --token, or ATQ_TOKEN). ' +
        "The server's operator gives them out (atq serve --add-token NAME).",
    });
    const wrong = `Basic ${Buffer.from(`me:${token}x`).toString('base64')}`;
    const refused = await answer('/', wrong);
    expect(refused.status).toBe(401);
    expect(refused.message).toMatch(
      /^The token is not valid on this server: check it, or ask the server's operator/,
    );
    expect(refused.message).toContain('give any user name and your token as the password');
    const right = `Basic ${Buffer.from(`me:${token}`).toString('base64')}`;
    expect((await fetch(`${server.url}/`, { headers: { authorization: right } })).status).toBe(200);
  });

  test('the API: the Bearer header first, the browser way after it', async () => {
    const { status, challenge, message } = await answer('/api/task');
    expect([status, challenge]).toEqual([401, 'Bearer realm="atq"']);
    expect(message).toBe(
      'This server needs a token. Send the header "Authorization: Bearer <token>" (atq run --token, or ' +
        'ATQ_TOKEN); in a browser, give any user name and the token as the password. ' +
        "The server's operator gives them out (atq serve --add-token NAME).",
    );
  });
});
