import { CLI_TOKEN_WORDS, SERVER_ENV, type TokenWords } from '../config/server-option.js';
import { AtqError, errorMessage } from '../errors.js';
import { serverLine, serverText } from './answers.js';

/** An answer of the server that is not 2xx: its status and body (parsed JSON, or the text). */
export interface ServerAnswer {
  status: number;
  body: unknown;
}

interface ErrorBody {
  code?: string;
  message?: string;
  problems?: string[];
}

/** The most problems of a refusal shown: the rest are counted. */
const MAX_PROBLEMS = 50;

/**
 * The server's {error: {code, message, problems?}}, when the body has that shape: its text is the server's,
 * shown bounded and with its control characters visible, like everything it sends (answers.ts).
 */
export function errorBody(body: unknown): ErrorBody | undefined {
  const e = (body as { error?: unknown } | undefined)?.error;
  if (!e || typeof e !== 'object') return undefined;
  const { code, message, problems } = e as Record<string, unknown>;
  const listed = Array.isArray(problems) ? problems.slice(0, MAX_PROBLEMS).map((p) => serverLine(p)) : [];
  if (Array.isArray(problems) && problems.length > MAX_PROBLEMS)
    listed.push(`(${problems.length - MAX_PROBLEMS} more)`);
  return {
    code: typeof code === 'string' ? serverLine(code, 64) : undefined,
    message: typeof message === 'string' ? serverText(message) : undefined,
    problems: Array.isArray(problems) ? listed : undefined,
  };
}

/**
 * A refusal of the server as the error the user sees: what atq was doing, what the server said, and what
 * to do about it. `what` completes "could not ..." ("submit the task"). The token is never part of it.
 */
export function answerError(
  server: string,
  what: string,
  answer: ServerAnswer,
  hasToken: boolean,
  words: TokenWords = CLI_TOKEN_WORDS,
): AtqError {
  const body = errorBody(answer.body);
  const said = body?.message ?? '';
  const details = { server, status: answer.status, code: body?.code, problems: body?.problems };
  const fail = (text: string) => new AtqError('SERVER_ERROR', text, details);
  // The server's own text for a 401 is advice for every client ("send Authorization: …"); the CLI's one
  // sentence is advice for this one, so the server's is not quoted after it (details keep its code).
  if (answer.status === 401) {
    return fail(
      hasToken
        ? `The ATQ server at ${server} refused the token to ${what}: check ${words.check}, ` +
            "or ask the server's operator for a token (atq serve --add-token NAME)."
        : `The ATQ server at ${server} needs a token to ${what}: ${words.give}.`,
    );
  }
  if (!body) {
    return fail(
      `The server at ${server} answered HTTP ${answer.status} when asked to ${what}, not as an ATQ server does. ` +
        `Check --server (or ${SERVER_ENV.server}): it is the URL \`atq serve\` listens on.`,
    );
  }
  if (answer.status === 400 && body.problems?.length) {
    return fail(
      `The ATQ server at ${server} refused to ${what}:\n${body.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  if (answer.status === 404 && body.code === 'NOT_FOUND' && /endpoint/i.test(said)) {
    return fail(
      `${server} has no ATQ API (${said}). Check --server: it is the URL \`atq serve\` listens on.`,
    );
  }
  return fail(
    `The ATQ server at ${server} refused to ${what} (HTTP ${answer.status}${body.code ? ` ${body.code}` : ''}): ${said}`,
  );
}

/** A 3xx: not followed (it could take the token elsewhere); the user can name the place it points to. */
export function redirectError(
  server: string,
  what: string,
  status: number,
  location: string | null,
): AtqError {
  const to = location ? ` to ${serverLine(location, 500)}` : '';
  return new AtqError(
    'SERVER_ERROR',
    `The server at ${server} answered with a redirect (HTTP ${status}${to}) when asked to ${what}. atq does ` +
      `not follow redirects, which could take the token and the test files to another host: give the URL ` +
      `\`atq serve\` listens on as --server (or ${SERVER_ENV.server}).`,
    { server, status },
  );
}

/** An answer larger than any the API gives. */
export function tooLargeError(server: string, what: string, max: number): AtqError {
  return new AtqError(
    'SERVER_ERROR',
    `The server at ${server} answered with more than ${max / 1024 ** 2} MiB when asked to ${what}; no answer ` +
      `of an ATQ server is that large, so it was not read. Check --server (or ${SERVER_ENV.server}): it is ` +
      'the URL `atq serve` listens on.',
    { server },
  );
}

/** Codes of TLS failures that a private CA explains. */
const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** fetch could not talk to the server at all (refused, unknown host, TLS, reset). */
export function unreachableError(server: string, what: string, e: unknown): AtqError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : errorMessage(e);
  const tls =
    cause?.code && CERT_CODES.test(cause.code)
      ? " If the server's certificate comes from a private CA, give Node that CA: NODE_EXTRA_CA_CERTS=/path/ca.pem."
      : '';
  return new AtqError(
    'SERVER_ERROR',
    `Cannot reach the ATQ server at ${server} to ${what}: ${reason}. Check --server (or ${SERVER_ENV.server}) ` +
      `and that \`atq serve\` runs there.${tls}`,
    { server, cause: cause?.code },
    { cause: e },
  );
}
