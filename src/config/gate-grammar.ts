/**
 * The gate grammar, with the configuration it is part of (every front parses gates here, before any run);
 * evaluating a gate against a run's numbers is results/gates.ts.
 *
 * Performance gates: `[<label>:] <metric> <op> <value>`, e.g. `p95 < 500ms`, `error_rate < 1%`,
 * `"GET /login": p99 <= 1.2s`, `throughput >= 50/s`, `samples >= 1000`, and against a previous run's
 * summary.json: `p95 <= baseline+10%`, `error_rate <= baseline+0.5%`.
 */
import {
  isMonitorGate,
  MONITOR_GATE_FORM,
  parseMonitorGate,
  type MonitorGateTarget,
} from './monitor-gate.js';

export type Op = '<' | '<=' | '>' | '>=' | '==';
/** cpu: a share of one core (0.8 = 80%); memory: bytes. Only gates on monitored services (monitor-gate.ts). */
export type MetricKind = 'time' | 'rate' | 'count' | 'throughput' | 'cpu' | 'memory';

export interface Gate {
  expression: string;
  label: string | null;
  metric: string;
  op: Op;
  /** Fixed threshold in the metric's base unit (ms, fraction, count, samples/s)... */
  value?: number;
  /** ...or relative to the baseline: threshold = baseline + offset (or baseline × (1 + offset) when relativeOffset). */
  baseline?: { offset: number; relative: boolean };
  /** A gate on a monitored service's CPU or memory (metric monitor.cpu or monitor.memory) rather than the JTL. */
  monitor?: MonitorGateTarget;
}

export const GATE_FORMS = [
  '<metric> <op> <value>           e.g. p95 < 500ms, error_rate < 1%, throughput >= 50/s, samples >= 1000',
  '"<label>": <metric> <op> <value>  e.g. "GET /login": p99 <= 1.2s',
  '<metric> <op> baseline[+|-]<n>[unit]  e.g. p95 <= baseline+10%, error_rate <= baseline+0.5%',
  'metrics: avg (mean), min, max, median, pNN or pNN.N, error_rate, errors, throughput, samples; ops: < <= > >= ==',
  'units: ms or s for times (always written: a bare number is refused), % for error_rate, /s (or none) for throughput, none for errors and samples',
  MONITOR_GATE_FORM,
  'YAML long form: {label, metric, op, value}',
];

export function metricKind(metric: string): MetricKind | undefined {
  if (['avg', 'mean', 'min', 'max', 'median'].includes(metric) || /^p\d+(\.\d+)?$/.test(metric))
    return 'time';
  if (metric === 'error_rate') return 'rate';
  if (metric === 'errors' || metric === 'samples') return 'count';
  if (metric === 'throughput') return 'throughput';
  if (metric === 'monitor.cpu') return 'cpu';
  if (metric === 'monitor.memory') return 'memory';
  return undefined;
}

/** Converts "500ms", "1.2s", "1%", "50/s", "1000" to the metric's base unit, or explains what is allowed. */
function parseAmount(
  text: string,
  kind: Exclude<MetricKind, 'cpu' | 'memory'>,
  metric: string,
): number | string {
  const m = /^(-?\d+(?:\.\d+)?)\s*(ms|s|%|\/s)?$/.exec(text.trim());
  if (!m) return `"${text}" is not a number with an optional unit`;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const allowed: Record<Exclude<MetricKind, 'cpu' | 'memory'>, Record<string, number>> = {
    time: { ms: 1, s: 1000 },
    rate: { '%': 0.01 },
    count: { '': 1 },
    throughput: { '': 1, '/s': 1 },
  };
  // A bare number is seconds for --timeout but would be milliseconds here: refused, never guessed.
  if (kind === 'time' && unit === '')
    return `a time needs its unit: write ${m[1]}ms or ${+(n / 1000).toPrecision(12)}s`;
  const factor = allowed[kind][unit];
  if (factor === undefined) {
    const units = Object.keys(allowed[kind]).map((u) => (u === '' ? 'no unit' : u));
    return `${metric} takes ${units.join(' or ')}, not "${unit || 'no unit'}"${kind === 'rate' ? ' (write error_rate < 1% for one percent)' : ''}`;
  }
  return n * factor;
}

const EXPR =
  /^\s*(?:(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^:"']+?))\s*:\s*)?([A-Za-z_]+[\d.]*)\s*(<=|>=|==|<|>)\s*(.+?)\s*$/;

export function parseGate(input: string | Record<string, unknown>): { gate?: Gate; problem?: string } {
  if (typeof input === 'object' && input !== null) return parseLongForm(input);
  const expression = String(input).trim();
  if (isMonitorGate(expression)) return parseMonitorGate(expression);
  const m = EXPR.exec(expression);
  if (!m) return { problem: `"${expression}": not of the form [<label>:] <metric> <op> <value>` };
  const label = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]?.trim() ?? null);
  return build(expression, label, (m[4] as string).toLowerCase(), m[5] as Op, m[6] as string);
}

function parseLongForm(o: Record<string, unknown>): { gate?: Gate; problem?: string } {
  const unknown = Object.keys(o).filter((k) => !['label', 'metric', 'op', 'value'].includes(k));
  const expression = `${o.label !== undefined ? `${JSON.stringify(String(o.label))}: ` : ''}${String(o.metric)} ${String(o.op)} ${String(o.value)}`;
  if (unknown.length)
    return { problem: `${expression}: unknown key(s) ${unknown.join(', ')}; use label, metric, op, value` };
  if (typeof o.metric !== 'string' || typeof o.op !== 'string' || o.value === undefined) {
    return { problem: `${JSON.stringify(o)}: the long form needs metric, op and value` };
  }
  if (!['<', '<=', '>', '>=', '=='].includes(o.op))
    return { problem: `${expression}: op must be one of < <= > >= ==` };
  if (isMonitorGate(o.metric)) {
    if (o.label !== undefined)
      return { problem: `${expression}: a gate on a monitored service takes no label` };
    return parseMonitorGate(`${o.metric} ${o.op} ${String(o.value)}`);
  }
  return build(
    expression,
    o.label === undefined ? null : String(o.label),
    o.metric.toLowerCase(),
    o.op as Op,
    String(o.value),
  );
}

function build(
  expression: string,
  label: string | null,
  metric: string,
  op: Op,
  valueText: string,
): { gate?: Gate; problem?: string } {
  if (metric === 'mean') metric = 'avg';
  const kind = metricKind(metric);
  if (!kind || kind === 'cpu' || kind === 'memory')
    return { problem: `${expression}: unknown metric "${metric}"` };
  if (/^p\d/.test(metric) && Number(metric.slice(1)) > 100)
    return { problem: `${expression}: a percentile is at most p100` };
  const b = /^baseline\s*(?:([+-])\s*(.+))?$/i.exec(valueText);
  if (b) {
    if (!b[1]) return { gate: { expression, label, metric, op, baseline: { offset: 0, relative: false } } };
    const text = (b[2] as string).trim();
    const sign = b[1] === '-' ? -1 : 1;
    const relativeTo = (offset: number, relative: boolean) => ({
      gate: { expression, label, metric, op, baseline: { offset: sign * offset, relative } },
    });
    // "+10%" on a time or throughput is relative to the baseline; on error_rate it is percentage points.
    if (text.endsWith('%') && kind !== 'rate') {
      const pct = Number(text.slice(0, -1));
      if (!Number.isFinite(pct)) return { problem: `${expression}: "${text}" is not a percentage` };
      return relativeTo(pct / 100, true);
    }
    const amount = parseAmount(text, kind, metric);
    if (typeof amount === 'string') return { problem: `${expression}: ${amount}` };
    return relativeTo(amount, false);
  }
  const value = parseAmount(valueText, kind, metric);
  if (typeof value === 'string') return { problem: `${expression}: ${value}` };
  return { gate: { expression, label, metric, op, value } };
}

/** Gate problems as option problems: each under "criteria:", then the allowed forms once. */
export function criteriaProblems(problems: string[]): string[] {
  if (!problems.length) return [];
  return [
    ...problems.map((p) => `criteria: ${p}`),
    `criteria: allowed forms:\n      ${GATE_FORMS.join('\n      ')}`,
  ];
}

/** Parses all gates; problems for every invalid one, so they can be fixed in one go before any run. */
export function parseGates(inputs: (string | Record<string, unknown>)[]): {
  gates: Gate[];
  problems: string[];
} {
  const gates: Gate[] = [];
  const problems: string[] = [];
  for (const input of inputs) {
    const { gate, problem } = parseGate(input);
    if (gate) gates.push(gate);
    else problems.push(problem as string);
  }
  return { gates, problems };
}
