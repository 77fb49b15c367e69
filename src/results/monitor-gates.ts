/** Gates on monitored services (config/monitor-gate.ts), judged on the samples of the plan's time. */
import { globMatches } from '../config/monitor-gate.js';
import type { Gate } from '../config/gate-grammar.js';
import { compared, type GateResult } from './gates.js';
import { pointsOf, quantile, type MonitorData } from './monitor.js';

/**
 * A gate on a monitored service's CPU or memory. Without samples it fails, saying why (the service was not
 * found, its containers were not sampled): a gate that cannot be evaluated is never a pass.
 */
export function evaluateMonitorGate(gate: Gate, data: MonitorData | undefined): GateResult {
  const target = gate.monitor!;
  const base = { expression: gate.expression, label: null, metric: gate.metric, op: gate.op };
  const failed = (reason: string): GateResult => ({
    ...base,
    threshold: gate.value ?? null,
    baseline: null,
    actual: null,
    status: 'failed',
    passed: false,
    reason,
  });
  if (!data) return failed(`no samples: the run monitored no services (--monitor ${target.service})`);
  const matches = (name: string) => name === target.service || globMatches(target.service, name);
  const services = data.services.filter(matches);
  if (!services.length) {
    const found = data.services.length ? ` (monitored: ${data.services.join(', ')})` : '';
    return failed(`no samples: no service "${target.service}" was running when the run started${found}`);
  }
  const values = pointsOf(data, matches)
    .map((p) => p[target.resource])
    .sort((a, b) => a - b);
  if (!values.length)
    return failed(
      `no samples of ${services.join(', ')} during this plan: its containers were not found in any node's cgroup tree (see the notes under "System under test")`,
    );
  const actual =
    target.stat === 'peak'
      ? (values[values.length - 1] as number)
      : target.stat === 'mean'
        ? values.reduce((s, v) => s + v, 0) / values.length
        : quantile(values, Number(target.stat.slice(1)) / 100);
  const what = `${target.resource === 'cpu' ? 'CPU' : 'memory'} ${target.stat} of ${services.join(', ')}`;
  return compared(base, actual, gate.value as number, `${what} over ${values.length} samples`);
}
