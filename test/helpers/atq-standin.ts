import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for `atq serve` as `atq run --server` sees it, on 127.0.0.1 (real HTTP, the API's routes and
 * shapes, src/server/openapi.ts), that answers what a test scripts: a hostile or broken server's ids, paths,
 * sizes, event streams and redirects. The real server is in test/integration/remote-run.test.ts.
 */
export interface StandInScript {
  /** The upload's id in the answer to POST /api/databind/upload. Default f1. */
  fileId?: unknown;
  /** The task's id in the answer to PUT /api/task. Default t1. */
  taskId?: unknown;
  /** The event stream's body (SSE text). Default: the task runs as run `runId` and finishes. */
  events?: string | (() => AsyncIterable<string>);
  /** The run id in the default event stream. */
  runId?: unknown;
  /** The answer to GET …/results: each file's path, listed size, and what its download sends. */
  files?: { path: unknown; size?: unknown; content?: string | (() => AsyncIterable<Buffer>) }[];
  /** GET …/results answers this text instead (e.g. an endless listing). */
  listing?: () => AsyncIterable<string>;
  /** Answer every request whose "METHOD path" starts with the key so: status and headers, empty body. */
  raw?: Record<string, { status: number; headers?: Record<string, string> }>;
}

export interface StandInRequest {
  method: string;
  path: string;
  authorization?: string;
}

export interface StandIn {
  url: string;
  requests: StandInRequest[];
  close(): Promise<void>;
}

/** An SSE frame as atq serve writes it. */
export const frame = (id: number, data: unknown) =>
  `id: ${id}\nevent: ${(data as { kind?: string }).kind ?? 'x'}\ndata: ${JSON.stringify(data)}\n\n`;

export const task = (status: string, more: Record<string, unknown> = {}) => ({
  id: 't1',
  status,
  position: 0,
  stages: {},
  ...more,
});

async function send(res: http.ServerResponse, body: string | AsyncIterable<string | Buffer>) {
  if (typeof body === 'string') return void res.end(body);
  try {
    for await (const part of body) if (!res.write(part)) await new Promise((r) => res.once('drain', r));
    res.end();
  } catch {
    res.destroy();
  }
}

export async function startStandIn(script: StandInScript): Promise<StandIn> {
  const requests: StandInRequest[] = [];
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const method = req.method ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method, path: url.pathname, authorization: req.headers.authorization });
    req.resume();
    const key = `${method} ${url.pathname}`;
    const raw = Object.entries(script.raw ?? {}).find(([k]) => key.startsWith(k))?.[1];
    if (raw) return void res.writeHead(raw.status, raw.headers).end();
    if (key === 'POST /api/databind/upload') return json(res, 201, { id: script.fileId ?? 'f1' });
    if (key === 'PUT /api/task')
      return json(res, 202, { id: script.taskId ?? 't1', status: 'queued', position: 0, stages: {} });
    if (method === 'DELETE') return void res.writeHead(204).end();
    if (method !== 'GET')
      return json(res, 404, { error: { code: 'NOT_FOUND', message: 'No such endpoint' } });
    const parts = url.pathname.split('/').slice(4);
    if (parts[0] === 'events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const events = script.events ?? defaultEvents(script.runId);
      return void send(res, typeof events === 'string' ? events : events());
    }
    if (parts.length === 1 && parts[0] === 'results') {
      if (script.listing) return void send(res.writeHead(200), script.listing());
      const files = (script.files ?? []).map((f) => ({ path: f.path, size: f.size }));
      return json(res, 200, { files });
    }
    if (parts[0] === 'results') {
      const rel = parts.slice(1).map(decodeURIComponent).join('/');
      const file = script.files?.find((f) => f.path === rel);
      if (!file) return json(res, 404, { error: { code: 'NOT_FOUND', message: 'no such file' } });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const content = file.content ?? '';
      return void send(res, typeof content === 'string' ? content : content());
    }
    return json(res, 404, { error: { code: 'NOT_FOUND', message: 'No such endpoint' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function defaultEvents(runId: unknown): string {
  return (
    frame(1, { kind: 'status', task: task('running', { runId }) }) +
    frame(2, { kind: 'end', task: task('finished', { runId, verdict: 'no-gates' }) })
  );
}

/** `total` bytes of `fill`, in chunks of 64 KiB: a large body that is never in memory at once. */
export async function* bytes(total: number, fill = 'x'): AsyncIterable<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, fill);
  for (let sent = 0; sent < total; sent += chunk.length)
    yield sent + chunk.length <= total ? chunk : chunk.subarray(0, total - sent);
}
