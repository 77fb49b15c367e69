import type { ErrorTable } from './errors.js';

/**
 * What a kind of error usually means, from JMeter's response code and message: the first thing a user asks
 * when most requests failed. Pure, so every front words it the same way.
 *
 * JMeter writes a request that got no HTTP response as code "Non HTTP response code: <exception class>"
 * and message "Non HTTP response message: <exception message>"; an HTTP one as the status code and reason.
 */

const NON_HTTP_CODE = /^Non HTTP response code: (?:[\w$]+\.)*([\w$]+)$/;
const NON_HTTP_MESSAGE = /^Non HTTP response message: ?/;

interface Rule {
  test: (e: { exception: string; code: string; message: string }) => boolean;
  hint: string;
}

const has = (text: string, ...words: string[]) => words.some((w) => text.includes(w));

// First match wins: the specific exceptions before the status-code ranges.
const RULES: Rule[] = [
  {
    test: (e) => e.exception === 'UnknownHostException',
    hint: 'is the target on a network the workers can reach? See --attach-network',
  },
  {
    test: (e) => has(e.exception, 'ConnectTimeoutException') || /connect timed out/i.test(e.message),
    hint: 'connecting timed out: is the target reachable from the workers, and not overloaded?',
  },
  {
    test: (e) =>
      has(e.exception, 'HttpHostConnectException', 'ConnectException', 'NoRouteToHostException') ||
      /connection refused/i.test(e.message),
    hint: 'nothing accepted the connection: is the target running, and listening on that port?',
  },
  {
    test: (e) => has(e.exception, 'SocketTimeoutException') || /read timed out/i.test(e.message),
    hint: 'the target did not answer in time: is it overloaded, or is the response timeout too short?',
  },
  {
    test: (e) =>
      has(e.exception, 'NoHttpResponseException') || /connection reset|failed to respond/i.test(e.message),
    hint: 'the target dropped connections without answering: is it overloaded or restarting?',
  },
  {
    test: (e) => has(e.exception, 'SSL'),
    hint: 'the TLS handshake failed: does the target speak HTTPS on that port, with a certificate JMeter trusts?',
  },
  {
    test: (e) => /^5\d\d$/.test(e.code),
    hint: "the target answered with server errors: see the target's own logs",
  },
  {
    test: (e) => e.code === '401' || e.code === '403',
    hint: 'the target refused the credentials: check the authentication the plan sends',
  },
  {
    test: (e) => e.code === '404',
    hint: 'the target has no such path: check the paths in the plan (and its base URL)',
  },
  {
    test: (e) => e.code === '429',
    hint: 'the target is rate-limiting the test: lower the load or raise its limit',
  },
  {
    test: (e) => /^4\d\d$/.test(e.code),
    hint: 'the target refused the requests: check the paths, parameters and authentication the plan sends',
  },
  {
    test: (e) => /^[23]\d\d$/.test(e.code) && e.message !== '',
    hint: 'the responses arrived, and an assertion in the plan rejected them',
  },
];

function parts(code: string, message: string) {
  const exception = NON_HTTP_CODE.exec(code)?.[1] ?? '';
  return { exception, code, message: message.replace(NON_HTTP_MESSAGE, '') };
}

/** The usual cause of an error of this code and message, as a question or advice; undefined if none is known. */
export function errorHint(code: string, message: string): string | undefined {
  const e = parts(code, message);
  return RULES.find((r) => r.test(e))?.hint;
}

/**
 * A kind of error on one line, every detail kept: "UnknownHostException: target: Name or service not
 * known", "ConnectException: Connection refused", "HTTP 503: Service Unavailable", "HTTP 200: Test failed: …"
 * (an assertion's message). JMeter's prefixes go, line breaks become spaces.
 */
export function errorLine(code: string, message: string): string {
  return oneLine(lineText(parts(code, message)));
}

/**
 * The cause in a few words, the same for the ways JMeter words it: "UnknownHostException for target" (Java
 * caches a failed lookup, and the cached failure's message is the bare host name), else as errorLine.
 */
export function errorShort(code: string, message: string): string {
  const e = parts(code, message);
  if (e.exception !== 'UnknownHostException') return oneLine(lineText(e));
  // "target: Name or service not known", "target: Temporary failure in name resolution" or just "target".
  const host = e.message.split(/:\s/)[0]?.trim();
  return oneLine(host ? `UnknownHostException for ${host}` : 'UnknownHostException');
}

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ');

function lineText(e: ReturnType<typeof parts>): string {
  if (e.exception) return e.message ? `${e.exception}: ${e.message}` : e.exception;
  if (/^\d{3}$/.test(e.code)) return `HTTP ${e.code}${e.message ? `: ${e.message}` : ''}`;
  return [e.code, e.message].filter(Boolean).join(': ') || 'no response code or message';
}

const EVERY_FAILED = 'every request failed';
const MOSTLY_FAILED = 'most requests failed';

/** Whether a summary's warning is errorRateWarning's (a short report shows that one only). */
export function isErrorRateWarning(w: string): boolean {
  return w.startsWith(`${EVERY_FAILED}: `) || w.startsWith(`${MOSTLY_FAILED}: `);
}

/** From this share of failed samples on, every report warns, gates or not. */
export const MOST_FAILED = 0.5;

/**
 * "most requests failed: UnknownHostException for target (312 of 360) — is the target on a network the
 * workers can reach? See --attach-network": the run's most frequent error, its count and its usual cause.
 * When no kind makes up most of the errors: "most requests failed (39 of 47); the most frequent error: …".
 * Nothing when fewer than MOST_FAILED of the samples failed.
 */
export function errorRateWarning(t: ErrorTable): string[] {
  if (!t.samples || t.errors / t.samples < MOST_FAILED) return [];
  const what = t.errors >= t.samples ? EVERY_FAILED : MOSTLY_FAILED;
  const top = mostFrequent(t);
  if (!top) return [`${what}: ${t.errors} of ${t.samples}`];
  const cause = top.hint ? ` — ${top.hint}` : '';
  if (top.count * 2 < t.errors)
    return [
      `${what}: ${t.errors} of ${t.samples}; the most frequent error: ${top.short} (${top.count})${cause}`,
    ];
  const rest = t.errors - top.count;
  const others = rest ? `; ${rest} more failed with other errors` : '';
  return [`${what}: ${top.short} (${top.count} of ${t.samples}${others})${cause}`];
}

/** The most frequent cause (errorShort), its kinds added up. */
function mostFrequent(t: ErrorTable): { short: string; count: number; hint?: string } | undefined {
  const groups = new Map<string, { short: string; count: number; hint?: string }>();
  for (const k of t.kinds) {
    const short = errorShort(k.code, k.message);
    const g = groups.get(short);
    if (g) g.count += k.count;
    else groups.set(short, { short, count: k.count, hint: errorHint(k.code, k.message) });
  }
  // The first of equals is the first in the table (most frequent kind first).
  return [...groups.values()].reduce<{ short: string; count: number; hint?: string } | undefined>(
    (best, g) => (!best || g.count > best.count ? g : best),
    undefined,
  );
}
