import { plaintextProblem, type ServerTarget } from '../config/server-option.js';
import { ConfigError } from '../errors.js';
import { abortError } from '../util/abort.js';
import { answerError, redirectError, tooLargeError, unreachableError } from './errors.js';

export interface CallInit {
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The API answers small JSON (a task, a list of files): a larger answer is not the API's, and not read. */
const MAX_ANSWER = 16 * 1024 * 1024;
/** What is read of a refusal: its error object fits many times over. */
const MAX_REFUSAL = 64 * 1024;

/** The body's text, or undefined when it is over `max` bytes (then it is not read further). */
async function readText(res: Response, max: number): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    // Leaving the loop cancels the stream: the rest is never read.
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The ATQ server's API as `atq run --server` uses it: every call carries the token, and every failure
 * becomes a SERVER_ERROR that says what atq was doing (`what`, e.g. "submit the task").
 */
export class ServerApi {
  readonly url: string;

  /** Refuses (CONFIG_INVALID) a target the token may not be sent to: before any request, not per call. */
  constructor(
    private readonly target: ServerTarget,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    const problem = plaintextProblem(target);
    if (problem) throw new ConfigError([problem]);
    this.url = target.url;
  }

  /** The answer when it is 2xx; throws the mapped error otherwise. */
  async call(method: string, route: string, what: string, init: CallInit = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    let res: Response;
    try {
      // A redirect is not followed: it could take the token, and the files, to another host.
      const request = { method, headers, body: init.body, signal: init.signal, redirect: 'manual' as const };
      res = await this.fetchFn(this.url + route, request);
    } catch (e) {
      if (init.signal?.aborted) throw abortError(init.signal);
      throw unreachableError(this.url, what, e);
    }
    if (res.ok) return res;
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      throw redirectError(this.url, what, res.status, res.headers.get('location'));
    }
    const text = (await readText(res, MAX_REFUSAL).catch(() => '')) ?? '';
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: a proxy's page, or not an ATQ server at all
    }
    throw answerError(
      this.url,
      what,
      { status: res.status, body },
      Boolean(this.target.token),
      this.target.tokenWords,
    );
  }

  async json<T>(method: string, route: string, what: string, init: CallInit = {}): Promise<T> {
    const res = await this.call(method, route, what, init);
    let text: string | undefined;
    try {
      text = await readText(res, MAX_ANSWER);
      if (text !== undefined) return JSON.parse(text) as T;
    } catch (e) {
      throw unreachableError(this.url, what, e);
    }
    throw tooLargeError(this.url, what, MAX_ANSWER);
  }

  /** A JSON request body. */
  async send<T>(
    method: string,
    route: string,
    what: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.json<T>(method, route, what, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      signal,
    });
  }
}

/** A task's route: ids come from the server, but are still only ever one path segment. */
export const taskRoute = (id: string, rest = '') => `/api/task/${encodeURIComponent(id)}${rest}`;
