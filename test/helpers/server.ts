import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_DEFAULTS, type ServerOptions } from '../../src/server/context.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { silentLogger } from '../../src/util/log.js';
import { requireEnv } from './env.js';

/** `atq serve` in this process, on a free loopback port, with a fresh data folder, driving the test swarm. */
export async function startTestServer(more: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer(
    {
      ...SERVER_DEFAULTS,
      port: 0,
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'atq-serve-')),
      docker: { host: requireEnv('DOCKER_HOST'), insecurePlaintext: false },
      // The tests' targets (test/helpers/target.ts) sit on networks named so.
      allowNetworks: ['atq-test-sut-*'],
      ...more,
    },
    silentLogger,
    'test',
  );
}

/** What tests read from answers: any JSON shape, checked by the assertions themselves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of many shapes; the expectations check it
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON call to the API (real HTTP). */
export async function api<T = Json>(
  base: string,
  method: string,
  route: string,
  opts: { body?: unknown; token?: string; raw?: Buffer; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: Buffer | string | undefined;
  if (opts.raw) body = opts.raw;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(base + route, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the text as it is
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** A folder as .tar.gz, made by the system's tar as a user would. */
export function tarGz(dir: string): Buffer {
  return execFileSync('tar', ['-czf', '-', '-C', dir, '.'], { maxBuffer: 100 * 1024 * 1024 });
}

export async function upload(base: string, dir: string, token?: string): Promise<string> {
  const res = await api<{ id: string }>(base, 'POST', '/api/databind/upload', {
    raw: tarGz(dir),
    token,
    headers: { 'content-type': 'application/gzip' },
  });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Polls a task until `done` holds (default: it has ended), failing after `timeoutMs`. */
export async function waitTask(
  base: string,
  id: string,
  done: (t: Json) => boolean = (t) => ['finished', 'failed', 'cancelled'].includes(t.status),
  timeoutMs = 180_000,
  token?: string,
): Promise<Json> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(base, 'GET', `/api/task/${id}`, { token });
    if (done(body)) return body;
    if (Date.now() > until)
      throw new Error(`task ${id} still ${JSON.stringify(body.status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The SSE stream of a task, read to its end: [{id, event, data}]. */
export async function readEvents(
  base: string,
  id: string,
  token?: string,
  lastEventId?: number,
): Promise<{ id: number; event: string; data: Json }[]> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
  const res = await fetch(`${base}/api/task/${id}/events`, { headers });
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      return {
        id: Number(field('id')),
        event: field('event') as string,
        data: JSON.parse(field('data') as string),
      };
    });
}

/**
 * `atq serve` as its own process (the bundled CLI, dist/cli.js unless `cli` names another, run by this Node
 * unless `node` names another), so a test can kill it. Resolves with its URL.
 */
export function serveProcess(
  args: string[],
  { cli = 'dist/cli.js', node = process.execPath }: { cli?: string; node?: string } = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      node,
      [path.resolve(cli), 'serve', '--listen', '127.0.0.1:0', '--allow-network', 'atq-test-sut-*', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+) /.exec(out);
      if (m) resolve({ child, url: m[1] as string, output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`atq serve exited (${code}) before listening:\n${out}`)));
  });
}
