import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { escapeHtml } from '../results/report/text.js';
import { formatDuration } from '../util/duration.js';
import type { ServerContext } from './context.js';
import { intParam } from './http.js';
import type { Route } from './router.js';
import { TASK_STATUSES, type ScheduleRecord, type TaskRecord, type TaskView } from './store.js';

/** A link to one of a task's result files (or its listing), as the page shows it. */
export interface ResultLink {
  label: string;
  href: string;
}

/** Everything the page shows, as plain data: renderPage is pure, so tests need no server. */
export interface PageData {
  version: string;
  tasks: (TaskView & { results: ResultLink[] })[];
  total: number;
  limit: number;
  offset: number;
  queue: { running: number; queued: number; concurrency: number };
  schedules: Pick<ScheduleRecord, 'id' | 'cron' | 'name' | 'owner' | 'nextRun'>[];
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.3rem;margin:0 0 .5rem}h2{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
td{overflow-wrap:anywhere}.nw,.badge{white-space:nowrap}td.task{min-width:8em}td.owner{min-width:6em}td.stages,td.links{min-width:8em}td.error{min-width:12em}
th{background:#f6f8fa;font-weight:600}code,.id{font-family:ui-monospace,monospace;font-size:.85em}
.id{color:#59636e;display:block}.muted{color:#59636e}.links a{margin-right:.5rem;display:inline-block}
.badge{font-weight:600;padding:0 .3rem;border-radius:3px}
.s-queued,.s-starting{background:#eaeef2}.s-running,.s-collecting{background:#ddf4ff}
.s-finished,.v-passed{background:#dafbe1}.s-failed,.v-failed{background:#ffebe9}.s-cancelled,.v-skipped,.v-inconclusive{background:#fff8c5}
.error summary{cursor:pointer}.error pre{white-space:pre-wrap;margin:.3rem 0}
nav.pages{margin:.8rem 0}nav.pages a,nav.pages span{margin-right:1rem}
footer{margin-top:1.5rem;color:#59636e;font-size:.85em}
`;

/**
 * Nothing but the page's own inline style may load or run: no scripts at all, no external resources,
 * no framing, no forms. The style is allowed by its hash rather than 'unsafe-inline'.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STATUSES: readonly string[] = TASK_STATUSES;
const VERDICTS = ['passed', 'failed', 'inconclusive', 'skipped', 'no-gates'];

const e = (value: unknown): string => escapeHtml(String(value ?? ''));
const taskHref = (id: string, rest = '') => `/api/task/${encodeURIComponent(id)}${rest}`;

/** "2026-05-01 12:03:04Z": compact, unambiguous, the same for every viewer (no JavaScript to localise it). */
export function when(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

/** A time as when() writes it, the date and the time each kept on one line: the table may wrap between them. */
function timeCell(iso: string | undefined): string {
  const [date, time] = when(iso).split(' ');
  return date ? `<span class="nw">${e(date)}</span> <span class="nw">${e(time)}</span>` : '';
}

/** "engines 12.3s, collect 1.1s · total 14.0s": where the time went, in the order the stages ran. */
export function stagesSummary(task: Pick<TaskView, 'stages' | 'startedAt' | 'finishedAt'>): string {
  const parts = Object.entries(task.stages).map(([stage, ms]) => `${stage} ${formatDuration(ms)}`);
  const total =
    task.startedAt && task.finishedAt ? Date.parse(task.finishedAt) - Date.parse(task.startedAt) : Number.NaN;
  if (Number.isFinite(total) && total >= 0) parts.push(`total ${formatDuration(total)}`);
  return parts.join(', ');
}

function statusCell(t: TaskView): string {
  const status = STATUSES.includes(t.status) ? t.status : 'unknown';
  const extra =
    t.status === 'queued' && t.position > 0
      ? `<br><span class="muted">#${e(t.position)} in the queue</span>`
      : t.progress && !['finished', 'failed', 'cancelled'].includes(t.status)
        ? `<br><span class="muted">${e(t.progress)}</span>`
        : '';
  return `<span class="badge s-${status}">${e(t.status)}</span>${extra}`;
}

/** The verdict, and under it why it may not be what it seems: stopped early, a saturated generator. */
function verdictCell(t: TaskView): string {
  const notes = [
    t.autoStop && `<br><span class="muted">auto-stopped: ${e(t.autoStop.message)}</span>`,
    t.unreliable &&
      `<br><span class="muted">unreliable: generator saturated (${e(t.unreliable.workers.join(', '))})</span>`,
  ].filter(Boolean);
  if (!t.verdict) return notes.join('').replace(/^<br>/, '');
  const cls = VERDICTS.includes(t.verdict) ? ` v-${t.verdict}` : '';
  return `<span class="badge${cls}">${e(t.verdict)}</span>${notes.join('')}`;
}

/** The code and the first line; the rest of a long message folds away (no JavaScript needed). */
function errorCell(t: TaskView): string {
  if (!t.error) return '';
  const [first, ...rest] = t.error.message.split('\n');
  const head = `<code>${e(t.error.code)}</code> ${e(first)}`;
  if (!rest.join('').trim()) return `<span class="error">${head}</span>`;
  return `<details class="error"><summary>${head}</summary><pre>${e(rest.join('\n'))}</pre></details>`;
}

function linksCell(t: PageData['tasks'][number]): string {
  const links: ResultLink[] = [
    { label: 'task', href: taskHref(t.id) },
    { label: 'events', href: taskHref(t.id, '/events') },
    ...t.results,
  ];
  return links.map((l) => `<a href="${e(l.href)}">${e(l.label)}</a>`).join(' ');
}

function taskRow(t: PageData['tasks'][number]): string {
  const name = t.name ? `<strong>${e(t.name)}</strong>` : '<span class="muted">(no name)</span>';
  const cells: [string, string][] = [
    ['task', `${name}<span class="id">${e(t.id)}</span>`],
    ['kind', e(t.kind)],
    ['status', statusCell(t)],
    ['owner', e(t.owner)],
    ['created', timeCell(t.createdAt)],
    ['started', timeCell(t.startedAt)],
    ['finished', timeCell(t.finishedAt)],
    ['stages', e(stagesSummary(t))],
    ['verdict', verdictCell(t)],
    ['error', errorCell(t)],
    ['links', linksCell(t)],
  ];
  return `<tr data-task="${e(t.id)}">${cells.map(([c, html]) => `<td class="${c}">${html}</td>`).join('')}</tr>`;
}

/**
 * While tasks are queued or running the page reloads itself (a meta refresh: no JavaScript), and stops
 * once the queue is idle; a page opened while idle shows new tasks when reloaded.
 */
const REFRESH_SECONDS = 10;
const isBusy = (data: PageData) => data.queue.running + data.queue.queued > 0;

function queueSection(data: PageData): string {
  const { running, queued, concurrency } = data.queue;
  const schedules = data.schedules.length
    ? `<table class="schedules"><thead><tr><th>Schedule</th><th>Cron</th><th>Next run</th><th>Owner</th></tr></thead><tbody>${data.schedules
        .map(
          (s) =>
            `<tr><td>${s.name ? `${e(s.name)} ` : ''}<span class="id">${e(s.id)}</span></td>` +
            `<td><code>${e(s.cron)}</code></td><td>${e(when(s.nextRun))}</td><td>${e(s.owner)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No schedules.</p>';
  const refresh = isBusy(data)
    ? ` · <span class="muted">this page reloads every ${REFRESH_SECONDS} s until the queue is idle</span>`
    : '';
  return (
    `<p class="queue">Running <strong>${e(running)}</strong> of ${e(concurrency)} at once · ` +
    `<strong>${e(queued)}</strong> queued${refresh}</p><h2>Schedules</h2>${schedules}`
  );
}

/** Newer/older links over ?offset=&limit= (the list is newest first). */
function pager(data: PageData): string {
  const { total, limit, offset } = data;
  const link = (o: number, label: string) => `<a href="/?offset=${o}&amp;limit=${limit}">${label}</a>`;
  const shown = data.tasks.length
    ? `${offset + 1}–${offset + data.tasks.length} of ${total}`
    : `none of ${total}`;
  const newer = offset > 0 ? link(Math.max(0, offset - limit), '← newer') : '';
  const older = offset + limit < total ? link(offset + limit, 'older →') : '';
  return `<nav class="pages">${newer}<span>${shown}</span>${older}</nav>`;
}

const HEADINGS = [
  'Task',
  'Kind',
  'Status',
  'Owner',
  'Created',
  'Started',
  'Finished',
  'Stages',
  'Verdict',
  'Error',
  'Links',
];

/** The whole page. Pure: every value from users (names, errors, owners) is escaped here. */
export function renderPage(data: PageData): string {
  const rows = data.tasks.length
    ? data.tasks.map(taskRow).join('\n')
    : `<tr><td colspan="${HEADINGS.length}" class="muted">No tasks yet: PUT /api/task, or atq run --server.</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${isBusy(data) ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">\n` : ''}<title>atq serve</title><style>${CSS}</style></head>
<body><header><h1>atq serve</h1>${queueSection(data)}</header>
<main><h2>Tasks</h2><table class="tasks"><thead><tr>${HEADINGS.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>${pager(data)}</main>
<footer>atq ${e(data.version)} · <a href="/api/openapi.json">API (OpenAPI)</a></footer></body></html>
`;
}

// ---- data and route (I/O) ------------------------------------------------------------------------

/** Per plan folder (several plans) or at the root (one plan); run.json is the run's, always at the root. */
const REPORT_FILES = ['report.html', 'summary.json', 'junit.xml'];

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

const resultHref = (id: string, rel: string) =>
  taskHref(id, `/results/${rel.split('/').map(encodeURIComponent).join('/')}`);

/** Links to the result files that exist: a report link only when there is a report to open. */
export async function resultLinks(task: Pick<TaskRecord, 'id' | 'outDir'>): Promise<ResultLink[]> {
  const dir = task.outDir;
  if (!dir) return [];
  const links: ResultLink[] = [{ label: 'files', href: taskHref(task.id, '/results') }];
  const subdirs = (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory() && d.name !== 'logs')
    .map((d) => d.name)
    .sort();
  for (const folder of ['', ...subdirs]) {
    for (const name of REPORT_FILES) {
      const rel = folder ? `${folder}/${name}` : name;
      if (await isFile(path.join(dir, rel)))
        links.push({ label: folder ? `${folder}: ${name}` : name, href: resultHref(task.id, rel) });
    }
  }
  if (await isFile(path.join(dir, 'run.json')))
    links.push({ label: 'run.json', href: resultHref(task.id, 'run.json') });
  return links;
}

async function pageData(ctx: ServerContext, limit: number, offset: number): Promise<PageData> {
  const { tasks, total } = ctx.store.tasks({ limit, offset });
  return {
    version: ctx.version,
    tasks: await Promise.all(
      tasks.map(async (t) => ({ ...ctx.queue.view(t), results: await resultLinks(t) })),
    ),
    total,
    limit,
    offset,
    queue: {
      running: ctx.queue.activeCount,
      queued: ctx.store.queued().length,
      concurrency: ctx.options.concurrency,
    },
    schedules: ctx.store.schedules(),
  };
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** GET /: the tasks for people, in a browser (Basic credentials, the token as the password). */
export function pageRoutes(ctx: ServerContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/',
      browser: true,
      handler: async ({ req, res, url }) => {
        const limit = intParam(url, 'limit', 50, [1, 500]);
        const offset = intParam(url, 'offset', 0, [0, 1e9]);
        const html = renderPage(await pageData(ctx, limit, offset));
        res.writeHead(200, { ...PAGE_HEADERS, 'content-length': Buffer.byteLength(html) });
        res.end(req.method === 'HEAD' ? undefined : html);
      },
    },
  ];
}
