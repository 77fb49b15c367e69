import type { ServerTarget } from '../config/server-option.js';
import { abortError } from '../util/abort.js';
import { answerError, unreachableError } from './errors.js';

export interface CallInit {
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * The ATQ server's API as `atq run --server` uses it: every call carries the token, and every failure
 * becomes a SERVER_ERROR that says what atq was doing (`what`, e.g. "submit the task").
 */
export class ServerApi {
  readonly url: string;

  constructor(
    private readonly target: ServerTarget,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.url = target.url;
  }

  /** The answer when it is 2xx; throws the mapped error otherwise. */
  async call(method: string, route: string, what: string, init: CallInit = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    let res: Response;
    try {
      res = await this.fetchFn(this.url + route, { method, headers, body: init.body, signal: init.signal });
    } catch (e) {
      if (init.signal?.aborted) throw abortError(init.signal);
      throw unreachableError(this.url, what, e);
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: a proxy's page, or not an ATQ server at all
    }
    throw answerError(this.url, what, { status: res.status, body }, Boolean(this.target.token));
  }

  async json<T>(method: string, route: string, what: string, init: CallInit = {}): Promise<T> {
    const res = await this.call(method, route, what, init);
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw unreachableError(this.url, what, e);
    }
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
