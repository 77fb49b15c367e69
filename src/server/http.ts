import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer other than 2xx, in one JSON shape: {error: {code, message, problems?}}. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems?: string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (problems: string[], what = 'The request is invalid') =>
  new HttpError(400, 'INVALID_REQUEST', `${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, problems);

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} does not exist.`);

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, e: HttpError): void {
  const error: Record<string, unknown> = { code: e.code, message: e.message };
  if (e.problems) error.problems = e.problems;
  sendJson(res, e.status, { error }, e.headers);
}

/** The body, up to `limit` bytes: above it the request is refused (413) without reading the rest into memory. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    'TOO_LARGE',
    `The request body is larger than this server accepts (${(limit / 1024 / 1024).toFixed(0)} MB). ` +
      'Ship fewer or smaller files, or start the server with a higher --max-upload.',
  );
}

export async function readJson(req: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '');
  if (type && !/^application\/json\b/i.test(type))
    throw badRequest([`content-type: ${type} is not application/json`]);
  const text = (await readBody(req, limit)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest([`body: not JSON (${(e as Error).message})`]);
  }
}

/** An integer query parameter within a range, or the fallback; a bad value is the caller's problem. */
export function intParam(url: URL, name: string, fallback: number, [min, max]: [number, number]): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw badRequest([`${name}: "${raw}" is not an integer from ${min} to ${max}`]);
  return n;
}
