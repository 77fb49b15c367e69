import type { RawOptions } from './resolve.js';

/**
 * `server` and `token`: where `atq run --server` sends the run, and the bearer token it sends. The token is
 * a secret: no message, log or report ever shows it, not even part of it.
 */
export interface ServerTarget {
  /** The server's base URL, http(s), without a trailing slash (a path prefix behind a proxy is kept). */
  url: string;
  token?: string;
  /** `insecure-http`: the token may go over http:// to another machine (see plaintextProblem). */
  insecureHttp?: boolean;
  /** How this front takes the token, for advice about it (default: the CLI's flag and variable). */
  tokenWords?: TokenWords;
}

/** How a front takes the token, in the words of its advice. */
export interface TokenWords {
  /** Completes "needs a token to …: " */
  give: string;
  /** Completes "refused the token to …: check " */
  check: string;
}

export const CLI_TOKEN_WORDS: TokenWords = {
  give: 'pass --token TOKEN or set ATQ_TOKEN',
  check: '--token (or ATQ_TOKEN)',
};

/** The environment variables the fronts read for these two options (flags win, atq.yml loses). */
export const SERVER_ENV = { server: 'ATQ_SERVER', token: 'ATQ_TOKEN' } as const;

/** The values of ATQ_SERVER / ATQ_TOKEN as option values, for a front to put under its own. */
export function serverEnvValues(env: NodeJS.ProcessEnv): RawOptions {
  const values: RawOptions = {};
  for (const [name, variable] of Object.entries(SERVER_ENV)) {
    const value = env[variable]?.trim();
    if (value) values[name] = value;
  }
  return values;
}

/** The URL normalised, or the problem with it. The URL is shown without any user:password part. */
export function parseServerUrl(value: unknown): { url?: string; problem?: string } {
  const fail = (text: string) => ({ problem: `server: ${text} (--server, atq.yml or ${SERVER_ENV.server})` });
  if (typeof value !== 'string' || !value.trim())
    return fail('expected the URL of an ATQ server, e.g. https://atq.example:8480');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return fail(`${JSON.stringify(value)} is not a URL; use e.g. https://atq.example:8480`);
  }
  // Credentials in a URL end up in logs; the token has its own option.
  if (url.username || url.password)
    return fail(
      `the URL holds a user or password; give the token with --token or ${SERVER_ENV.token} instead`,
    );
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return fail(`${JSON.stringify(value)} is not http:// or https://`);
  if (url.search || url.hash)
    return fail(`${url.origin}${url.pathname} is the base URL; drop ?query and #fragment`);
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The problem with a token, never quoting it: it goes into an HTTP header, so visible ASCII only. */
export function tokenProblem(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  const where = `(--token, atq.yml or ${SERVER_ENV.token}; the value is not shown)`;
  if (typeof text !== 'string' || !text.trim()) return `token: expected a non-empty text ${where}`;
  if (!/^[\x21-\x7e]+$/.test(text.trim()))
    return `token: holds spaces or characters an HTTP header cannot carry ${where}; copy the token again`;
  return undefined;
}

/** The server target from the parsed values, or undefined when no server was named (a token alone is unused). */
export function serverTarget(values: ReadonlyMap<string, unknown>): ServerTarget | undefined {
  const url = values.get('server') as string | undefined;
  if (url === undefined) return undefined;
  const token = values.get('token') as string | undefined;
  return {
    url,
    ...(token === undefined ? {} : { token }),
    ...(values.get('insecure-http') === true ? { insecureHttp: true } : {}),
  };
}

/** This machine, by name or address: plain HTTP to it never crosses a network. */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/**
 * Why the token may not go to this server: over http:// to another machine anyone on the path reads it (and
 * can use it to read and run that team's tasks). https://, loopback, no token, or `insecure-http` are fine.
 */
export function plaintextProblem(target: ServerTarget): string | undefined {
  const url = new URL(target.url);
  if (url.protocol !== 'http:' || !target.token || target.insecureHttp || isLoopback(url.hostname))
    return undefined;
  return (
    `server: ${target.url} is plain HTTP to another machine: the token (and the test files) would cross the ` +
    'network readable by anyone on the path. Use https:// (atq serve --tls-cert, --tls-key), or, on a ' +
    'network you trust, allow it with --insecure-http (atq.yml insecure-http: true; the Action input ' +
    'insecure-http; the Jenkins parameter insecureHttp: true)'
  );
}
