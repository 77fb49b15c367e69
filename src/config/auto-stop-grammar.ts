/**
 * The auto-stop grammar (issue 24), parsed before any run like the gates it is built on: a gate's
 * `[<label>:] <metric> <op> <value>`, then `for <window>` and an optional `then stop`:
 * `error_rate > 50% for 30s then stop`, `p95 > 2s for 1m`, `"GET /login": p99 >= 1.5s for 2m then stop`,
 * `throughput < 10/s for 1m`. `off` turns auto-stop off. Judging criteria against live statistics is
 * results/auto-stop.ts; the method is docs/auto-stop.md.
 */
import { closestNames } from '../util/closest.js';
import { parseDuration } from '../util/duration.js';
import { parseGate, type Op } from './gate-grammar.js';

/** What the live statistics measure per interval (results/live-types.ts), in the gates' names. */
export const AUTO_STOP_METRICS = ['error_rate', 'p50', 'p90', 'p95', 'p99', 'avg', 'throughput'] as const;
export type AutoStopMetric = (typeof AUTO_STOP_METRICS)[number];

export interface AutoStopCriterion {
  /** As written (trimmed), for messages and reports. */
  text: string;
  /** A label's own numbers, or null for the whole run's. */
  label: string | null;
  metric: AutoStopMetric;
  /** `==` is refused: a measured value is never exactly a threshold for a whole window. */
  op: Exclude<Op, '=='>;
  /** In the metric's base unit: ms, a fraction (0.5 = 50%), samples/s. */
  value: number;
  /** How long the condition must hold, without a break, before the run is stopped. */
  windowMs: number;
}

/**
 * On unless turned off, as Azure Load Testing's auto-stop is (error rate ≥ 90% for 60 s): a run against a
 * target that is down stops within about a minute instead of holding the swarm until --timeout.
 */
export const DEFAULT_AUTO_STOP = 'error_rate >= 90% for 60s';

export const AUTO_STOP_FORMS = [
  '[<label>:] <metric> <op> <value> for <window> [then stop]   e.g. error_rate > 50% for 30s then stop, p95 > 2s for 1m',
  '"<label>": <metric> <op> <value> for <window>               e.g. "GET /login": p99 >= 1.5s for 2m',
  `metrics: ${AUTO_STOP_METRICS.join(', ')} (also mean = avg, median = p50); ops: < <= > >=`,
  'units: ms or s for times (a bare number is refused), % for error_rate, /s (or none) for throughput; the window: e.g. 30s, 1m, 1m30s',
  `off: no auto-stop. Without --auto-stop: ${DEFAULT_AUTO_STOP}; a whole-run error_rate criterion of your own replaces it`,
  'YAML long form: {label, metric, op, value, for}',
];

type Parsed = { criterion?: AutoStopCriterion; problem?: string };

/** One criterion, as text or in the long form; `off` is handled by parseAutoStop. */
export function parseAutoStopCriterion(input: string | Record<string, unknown>): Parsed {
  if (typeof input === 'object' && input !== null) return parseLongForm(input);
  const text = String(input).trim();
  // The last " for ": a quoted label may hold the word itself ("wait for it": p95 > 2s for 1m).
  const m = /^(.*\S)\s+for\s+(\S+)(?:\s+then\s+(.*?))?\s*$/i.exec(text);
  if (!m) {
    const then = /\s+then\s+\S/i.test(text) ? ' before "then"' : '';
    return {
      problem: `"${text}": no window: add "for <duration>"${then}, e.g. "${text.replace(/\s+then\s.*$/i, '')} for 30s" (the condition must hold that long before the run is stopped)`,
    };
  }
  return build(text, m[1] as string, m[2] as string, m[3]);
}

function parseLongForm(o: Record<string, unknown>): Parsed {
  const { for: window, then, ...gate } = o;
  const text = `${o.label !== undefined ? `${JSON.stringify(String(o.label))}: ` : ''}${String(o.metric)} ${String(o.op)} ${String(o.value)} for ${String(window)}`;
  if (window === undefined)
    return {
      problem: `${JSON.stringify(o)}: the long form needs metric, op, value and for (the window, e.g. 30s)`,
    };
  const parsed = parseGate(gate);
  if (parsed.problem)
    return {
      problem: parsed.problem.replace(/use label, metric, op, value$/, 'use label, metric, op, value, for'),
    };
  return fromGate(text, parsed.gate!, String(window), then === undefined ? undefined : String(then));
}

function build(text: string, condition: string, windowText: string, action: string | undefined): Parsed {
  const { gate, problem } = parseGate(condition);
  if (!gate) return { problem: `"${text}": ${withSuggestion(problem as string, condition)}` };
  return fromGate(text, gate, windowText, action);
}

function fromGate(
  text: string,
  gate: NonNullable<ReturnType<typeof parseGate>['gate']>,
  windowText: string,
  action: string | undefined,
): Parsed {
  const fail = (why: string): Parsed => ({ problem: `"${text}": ${why}` });
  if (action !== undefined && action.trim().toLowerCase() !== 'stop')
    return fail(`"then ${action.trim()}": the only action is stop (write "then stop", or leave it out)`);
  const metric = gate.metric === 'median' ? 'p50' : gate.metric;
  if (!(AUTO_STOP_METRICS as readonly string[]).includes(metric)) {
    const near = closestNames(metric, AUTO_STOP_METRICS).filter((n) => n[0] === metric[0]);
    return fail(
      `auto-stop judges ${AUTO_STOP_METRICS.join(', ')} (what the live statistics measure), not ${metric}` +
        `${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; as a --criteria gate it is judged at the end`,
    );
  }
  if (gate.baseline) return fail('auto-stop compares with fixed values, not a baseline');
  if (gate.op === '==')
    return fail('use < <= > or >=: a value is never exactly a threshold for a whole window');
  const value = gate.value as number;
  if (metric === 'error_rate' && (value < 0 || value > 1))
    return fail('an error rate lies between 0% and 100%');
  const windowMs = parseWindow(windowText);
  if (typeof windowMs === 'string') return fail(windowMs);
  return {
    criterion: { text, label: gate.label, metric: metric as AutoStopMetric, op: gate.op, value, windowMs },
  };
}

/** "30s", "1m", "1m30s"; a bare number would be read as seconds by --timeout but is refused here, as in gates. */
function parseWindow(text: string): number | string {
  if (/^\d+(\.\d+)?$/.test(text)) return `a window needs its unit: write "for ${text}s" or "for ${text}m"`;
  const ms = parseDuration(text);
  if (ms === undefined) return `"for ${text}": not a duration; write e.g. 30s, 1m, 1m30s`;
  if (ms <= 0) return 'the window must be longer than 0s';
  return ms;
}

/** The gate grammar's "unknown metric" with the auto-stop metrics that are a slip away. */
function withSuggestion(problem: string, condition: string): string {
  // (the gate grammar starts its problems with the condition, quoted or not: the criterion is quoted already)
  for (const prefix of [`${condition}: `, `"${condition}": `])
    if (problem.startsWith(prefix)) problem = problem.slice(prefix.length);
  const m = /^unknown metric "([^"]*)"$/.exec(problem);
  if (!m) return problem;
  const near = closestNames(m[1] as string, [...AUTO_STOP_METRICS, 'mean', 'median']);
  return `unknown metric "${m[1]}"${near.length ? `; did you mean ${near.join(' or ')}?` : ''} (auto-stop judges ${AUTO_STOP_METRICS.join(', ')})`;
}

/**
 * The criteria a run judges: the default unless `off`, plus the user's; a whole-run error_rate criterion of
 * the user's own replaces the default (theirs says how many errors are too many). Problems for every bad
 * entry, each under "auto-stop:", then the allowed forms once.
 */
export function parseAutoStop(value: unknown): { criteria: AutoStopCriterion[]; problems: string[] } {
  const items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  const problems: string[] = [];
  const criteria: AutoStopCriterion[] = [];
  const off = items.filter((i) => typeof i === 'string' && i.trim().toLowerCase() === 'off');
  for (const item of items) {
    if (off.includes(item)) continue;
    if (typeof item !== 'string' && (item === null || typeof item !== 'object' || Array.isArray(item))) {
      problems.push(
        `${JSON.stringify(item)}: expected a criterion (text) or {label, metric, op, value, for}`,
      );
      continue;
    }
    const { criterion, problem } = parseAutoStopCriterion(item as string | Record<string, unknown>);
    if (criterion) criteria.push(criterion);
    else problems.push(problem as string);
  }
  if (off.length && items.length > off.length)
    problems.push('"off" turns auto-stop off: give either off or criteria, not both');
  if (problems.length)
    return {
      criteria: [],
      problems: [
        ...problems.map((p) => `auto-stop: ${p}`),
        `auto-stop: allowed forms:\n      ${AUTO_STOP_FORMS.join('\n      ')}`,
      ],
    };
  if (off.length) return { criteria: [], problems: [] };
  const ownErrorRate = criteria.some((c) => c.metric === 'error_rate' && c.label === null);
  const fallback = parseAutoStopCriterion(DEFAULT_AUTO_STOP).criterion as AutoStopCriterion;
  return { criteria: ownErrorRate ? criteria : [fallback, ...criteria], problems: [] };
}
