import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http.js';

export interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The token's name, or 'local' (set before a handler runs, except on open routes). */
  owner: string;
}

export type Handler = (r: Request) => Promise<void> | void;

export interface Route {
  method: string;
  /** e.g. /api/task/:id/results/*path; `:name` is one segment, `*name` the rest of the path. */
  path: string;
  handler: Handler;
  /** Answered without a token: health checks, the API's description. */
  open?: boolean;
  /** For browsers: a 401 asks for Basic credentials (the token as password). */
  browser?: boolean;
}

interface Compiled extends Route {
  pattern: RegExp;
  names: string[];
}

export function compile(routes: Route[]): Compiled[] {
  return routes.map((r) => {
    const names: string[] = [];
    const source = r.path
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) return (names.push(seg.slice(1)), '([^/]+)');
        if (seg.startsWith('*')) return (names.push(seg.slice(1)), '(.+)');
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { ...r, names, pattern: new RegExp(`^${source}$`) };
  });
}

/** The route for a request, its path parameters, or which methods the path allows (for 405). */
export function match(
  routes: Compiled[],
  method: string,
  pathname: string,
): { route?: Compiled; params: Record<string, string>; allowed: string[] } {
  const allowed: string[] = [];
  for (const r of routes) {
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) {
      allowed.push(r.method);
      continue;
    }
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => (params[n] = decodeSegment(m[i + 1] as string)));
    return { route: r, params, allowed };
  }
  return { params: {}, allowed };
}

/** A malformed %-escape is the caller's mistake (400), not the server's. */
function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(
      400,
      'INVALID_REQUEST',
      `The path has a malformed %-escape: ${JSON.stringify(text)}.`,
    );
  }
}
