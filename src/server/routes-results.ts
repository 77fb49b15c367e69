import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ServerContext } from './context.js';
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
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-length': size,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        });
        if (req.method === 'HEAD') return void res.end();
        await new Promise<void>((resolve, reject) => {
          createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
        });
      },
    },
  ];
}
