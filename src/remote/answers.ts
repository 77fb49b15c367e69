import type { RunEvent } from '../core/events.js';
import type { ErrorCode } from '../errors.js';
import { VERDICT_ORDER, type Verdict } from '../results/summary.js';
import { inertLine } from '../util/text.js';
import { checkLiveSnapshot } from './live-event.js';

/**
 * What a server says is untrusted (DEVELOPERS.md): it may be another team's, misconfigured, or not ATQ at
 * all. Ids become paths and routes here, its text reaches terminals and CI logs, its codes pick exit codes.
 * Everything it sends goes through these checks first: ids of the shape atq makes, text bounded and with
 * its control characters shown, not obeyed.
 */

/** A run id as src/core/run-id.ts makes it (20261125-101530-7f3a9c): it names the local results folder. */
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;
/** Task and upload ids as atq serve makes them (base64url of random bytes): one plain path segment. */
const SERVER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const isRunId = (v: unknown): v is string => typeof v === 'string' && RUN_ID.test(v);
export const isServerId = (v: unknown): v is string => typeof v === 'string' && SERVER_ID.test(v);

/** The longest text of the server shown (a log line, an error message), in characters; longer is cut. */
export const MAX_TEXT = 8 * 1024;
/** Names: stages, sources, plans, statuses. */
const MAX_NAME = 200;

function cut(value: unknown, max: number): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/**
 * One line of the server's: controls (escapes, CR, LF) shown, workflow commands inert, at most `max`
 * characters.
 */
export function serverLine(value: unknown, max = MAX_TEXT): string {
  return inertLine(cut(value, max));
}

/** Text of the server's that may have several lines (an error's explanation): each line as serverLine. */
export function serverText(value: unknown, max = MAX_TEXT): string {
  return cut(value, max)
    .split(/\r\n|\r|\n/)
    .map((l) => inertLine(l))
    .join('\n');
}

/** A quoted, bounded form of a value the server sent that atq refuses, for the message saying so. */
export const shown = (value: unknown): string => JSON.stringify(serverLine(value, 80));

/** Every code in src/errors.ts: a code from the server that is not one of them becomes SERVER_ERROR. */
const CODES = [
  'CONFIG_INVALID',
  'DOCKER_CONNECT',
  'NOT_SWARM_MANAGER',
  'BUNDLE_INVALID',
  'BUNDLE_TOO_LARGE',
  'IMAGE_INVALID',
  'WORKERS_NOT_READY',
  'WORKER_FAILED',
  'WAIT_COMMAND_FAILED',
  'MASTER_FAILED',
  'JMETER_PLAN_FAILED',
  'RESULTS_MISSING',
  'RESULTS_INVALID',
  'RUN_TIMEOUT',
  'RUN_ABORTED',
  'RUN_REMOVED',
  'ENGINE_UNREACHABLE',
  'FILE_ACCESS',
  'DOCKER_API',
  'UPLOAD_INVALID',
  'FILE_UNKNOWN',
  'GENERIC_MASTER_FAILED',
  'SERVER_RESTARTED',
  'SERVER_ERROR',
  'INTERNAL',
] as const satisfies readonly ErrorCode[];
// A code added to errors.ts and not here fails to compile: the list stays complete.
const complete: [Exclude<ErrorCode, (typeof CODES)[number]>] extends [never] ? true : false = true;
void complete;

export function errorCode(value: unknown): ErrorCode {
  return (CODES as readonly string[]).includes(value as string) ? (value as ErrorCode) : 'SERVER_ERROR';
}

const VERDICTS: readonly Verdict[] = VERDICT_ORDER;
export const verdictOf = (v: unknown): Verdict | undefined =>
  VERDICTS.includes(v as Verdict) ? (v as Verdict) : undefined;

type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A run event of the server's as this client shows it, or undefined for one it does not know. Every text is
 * a serverLine; plan-finished loses its summary: the fronts read the downloaded summary.json instead.
 */
export function checkRunEvent(e: unknown): RunEvent | undefined {
  if (!isObject(e)) return undefined;
  switch (e.type) {
    case 'log':
      return { type: 'log', level: e.level === 'warn' ? 'warn' : 'info', message: serverText(e.message) };
    case 'stage':
      if (e.phase !== 'start' && e.phase !== 'end') return undefined;
      return {
        type: 'stage',
        stage: serverLine(e.stage, MAX_NAME),
        phase: e.phase,
        ...(finite(e.ms) ? { ms: e.ms } : {}),
      };
    case 'workers-ready': {
      const addresses = Array.isArray(e.addresses) ? e.addresses.slice(0, 1000) : [];
      return { type: 'workers-ready', addresses: addresses.map((a) => serverLine(a, MAX_NAME)) };
    }
    case 'progress':
      return { type: 'progress', message: serverLine(e.message) };
    case 'live': {
      const snapshot = checkLiveSnapshot(e.snapshot);
      return snapshot ? { type: 'live', snapshot } : undefined;
    }
    case 'auto-stop':
      return {
        type: 'auto-stop',
        plan: serverLine(e.plan, MAX_NAME),
        criterion: serverLine(e.criterion),
        message: serverLine(e.message),
        elapsedMs: finite(e.elapsedMs) && e.elapsedMs >= 0 ? e.elapsedMs : 0,
      };
    case 'output':
      return { type: 'output', source: serverLine(e.source, MAX_NAME), line: serverLine(e.line) };
    case 'plan-finished':
      return {
        type: 'plan-finished',
        plan: serverLine(e.plan, MAX_NAME),
        status: serverLine(e.status, MAX_NAME),
        ...(finite(e.samples) ? { samples: e.samples } : {}),
      };
    case 'verdict': {
      const verdict = verdictOf(e.verdict);
      return verdict ? { type: 'verdict', verdict } : undefined;
    }
    default:
      return undefined;
  }
}
