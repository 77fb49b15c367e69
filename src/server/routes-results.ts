import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ServerContext } from './context.js';
import { planFoldersOf } from './history.js';
import { notFound, sendJson } from './http.js';
import type { Route } from './router.js';

const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.jtl': 'text/csv; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Files ATQ writes itself, shown in the browser; report.css is the report's style sheet. */
const OWN_NAMES = new Set([
  'report.html',
  'report.css',
  'summary.md',
  'summary.json',
  'run.json',
  'junit.xml',
]);

/**
 * Whether `rel` is one of ATQ's own files: an own name in the run's folder or in a plan's folder as the
 * run's run.json lists it. A name alone proves nothing: a container can write a report.html into any folder
 * it is collected into (collected/, a master's extra files), and such a page must not render.
 */
export function isOwnResult(rel: string, planFolders: ReadonlySet<string>): boolean {
  const slash = rel.lastIndexOf('/');
  const dir = slash < 0 ? '' : rel.slice(0, slash);
  return OWN_NAMES.has(rel.slice(slash + 1)) && (dir === '' || planFolders.has(dir));
}

/** The plans' folders, relative to the results folder, from the run.json ATQ wrote there (history.ts). */
async function planFolders(dir: string): Promise<Set<string>> {
  return new Set((await planFoldersOf(dir)).map((p) => p.rel).filter(Boolean));
}

/**
 * Everything else in a results folder came out of a container (collected files, logs, the JTL): it is
 * downloaded, never rendered on the API's origin, where a planted page could act with the viewer's
 * credentials. ATQ's own files are rendered in a sandbox without scripts all the same.
 */
function resultHeaders(rel: string, own: boolean): Record<string, string> {
  const ext = path.extname(rel).toLowerCase();
  const text = !own && ['.log', '.jtl', '.txt', '.csv'].includes(ext);
  const headers: Record<string, string> = {
    'content-type': own
      ? (TYPES[ext] ?? 'application/octet-stream')
      : text
        ? 'text/plain; charset=utf-8'
        : 'application/octet-stream',
    'content-security-policy':
      "sandbox; default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
  if (!own && !text)
    headers['content-disposition'] = `attachment; filename="${path.basename(rel).replace(/[^\w.-]/g, '_')}"`;
  return headers;
}

async function listFiles(root: string, dir = root): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, abs)));
    else if (entry.isFile())
      out.push({ path: path.relative(root, abs).split(path.sep).join('/'), size: (await stat(abs)).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * A file of the task's results, only if its real path (links resolved) is inside the task's folder:
 * `..`, encoded slashes and a link planted by a container cannot reach anything else on the server.
 */
async function resolveInside(root: string, rel: string): Promise<string | undefined> {
  if (rel.includes('\0')) return undefined;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(path.resolve(realRoot, rel));
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

export function resultRoutes(ctx: ServerContext): Route[] {
  const folder = (id: string) => {
    const task = ctx.store.task(id);
    if (!task) throw notFound(`Task ${id}`);
    return task.outDir;
  };
  return [
    {
      method: 'GET',
      path: '/api/task/:id/results',
      handler: async ({ res, params }) => {
        const dir = folder(params.id as string);
        sendJson(res, 200, { files: dir ? await listFiles(dir) : [] });
      },
    },
    {
      method: 'GET',
      path: '/api/task/:id/results/*path',
      browser: true,
      handler: async ({ req, res, params }) => {
        const dir = folder(params.id as string);
        const file = dir && (await resolveInside(dir, params.path as string));
        if (!file) throw notFound(`Result file ${params.path}`);
        const size = (await stat(file)).size;
        const rel = params.path as string;
        const own = isOwnResult(rel, await planFolders(dir as string));
        res.writeHead(200, { ...resultHeaders(rel, own), 'content-length': size });
        if (req.method === 'HEAD') return void res.end();
        await new Promise<void>((resolve, reject) => {
          createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
        });
      },
    },
  ];
}
