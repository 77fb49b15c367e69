import { AtqError, errorMessage } from '../errors.js';
import { tlsHandshakeMessage } from './tls-advice.js';

/** What `call` returns for a 404 when the caller treats "not there" as an answer. */
export const MISSING = Symbol('missing');

/* eslint-disable @typescript-eslint/no-explicit-any -- failures come as whatever the HTTP client threw */

/**
 * Every call to an engine goes through here: it turns the HTTP client's failures into AtqErrors and keeps
 * track of since when the engine has not answered. Shared by the Docker client and the lifecycle tests'
 * in-memory swarm, so that both fail the way the core expects.
 */
export class EngineCalls {
  /** When the engine stopped answering (a connection-level failure after the last success); cleared by any answer. */
  private downSince?: number;

  constructor(readonly url: string) {}

  get unreachableSince(): number | undefined {
    return this.downSince;
  }

  /**
   * Runs `fn`: an answer clears "unreachable", a failure becomes an AtqError (apiError). With `ifMissing`,
   * a 404 is an answer too and returns it instead of failing.
   */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  call<T, M>(what: string, fn: () => Promise<T>, ifMissing: M): Promise<T | M>;
  async call<T, M>(what: string, fn: () => Promise<T>, ifMissing?: M): Promise<T | M> {
    try {
      const result = await fn();
      this.downSince = undefined;
      return result;
    } catch (e: any) {
      if (ifMissing !== undefined && e?.statusCode === 404) {
        this.downSince = undefined;
        return ifMissing;
      }
      throw this.apiError(what, e);
    }
  }

  private apiError(what: string, e: any): AtqError {
    const code: string | undefined = e?.code;
    const reason = e?.json?.message ?? e?.reason ?? errorMessage(e);
    const kind = failureKind(e);
    if (kind === 'tls') {
      return new AtqError(
        'DOCKER_CONNECT',
        tlsHandshakeMessage(this.url, code ?? reason),
        { url: this.url, code },
        { cause: e },
      );
    }
    if (kind) {
      this.downSince ??= Date.now();
      const hint = /EACCES|EPERM/.test(kind)
        ? 'Permission denied: run as a user that may use the Docker socket (the docker group), or use tcp:// with TLS.'
        : 'Is the engine running and DOCKER_HOST right?';
      return new AtqError(
        'DOCKER_CONNECT',
        `Cannot ${what} at ${this.url}: ${kind}. ${hint}`,
        { url: this.url, code: code ?? kind, unreachableSince: this.downSince, engineSaid: engineSaid(e) },
        { cause: e },
      );
    }
    // Any other HTTP answer means the engine is there, even when it refuses.
    this.downSince = undefined;
    return new AtqError(
      'DOCKER_API',
      `Docker refused to ${what}: ${reason}`,
      { status: e?.statusCode },
      { cause: e },
    );
  }
}

/** The engine's own words in an error answer, bounded (it is the engine's text, not ours). */
function engineSaid(e: any): string | undefined {
  const said: unknown = e?.json?.message;
  return typeof said === 'string' && said ? said.slice(0, 500) : undefined;
}

/**
 * Why a call got no usable answer from the engine: 'tls' when the TLS handshake failed, otherwise the
 * reason it is unreachable (refused, reset, timed out, a DNS blip, a proxy in front of a stopped engine
 * hanging up, a swarm that is stopping), or undefined when the engine answered, even with an error.
 */
export function failureKind(e: any): string | undefined {
  const code: string | undefined = e?.code;
  const text = errorMessage(e);
  // (Docker's own text for this, "Use docker swarm init…", is advice for an engine that never had a swarm:
  // wrong for one restarting, so it stays out of what atq tells the user; apiError keeps it as engineSaid)
  if (e?.statusCode === 503) return 'the swarm is not available there (HTTP 503)';
  if (e?.statusCode) return undefined;
  // Resets and refusals first: "socket disconnected before secure TLS connection" is not a TLS problem.
  if (code && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND)$/.test(code))
    return code;
  if (/certificate|\bSSL\b|\bTLS\b|self.signed|EPROTO|ERR_SSL|ERR_TLS/i.test(`${code ?? ''} ${text}`))
    return 'tls';
  if (code && (e?.syscall || /^E[A-Z_]+$/.test(code))) return code;
  if (/socket hang up|Request Timeout|timed? ?out/i.test(text)) return text;
  return undefined;
}
