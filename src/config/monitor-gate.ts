/**
 * Gates on the system under test's numbers (--monitor): `monitor.<service>.cpu < 80%`,
 * `monitor.<service>.memory < 1.5GB`, with an optional statistic of the samples: `monitor.shop.cpu.p95 < 70%`,
 * `.mean`, `.peak` (the default). CPU is a share of one core (150% = one and a half cores busy); memory is
 * bytes. Evaluated against the run's samples in results/monitor-gates.ts.
 */
import type { Gate, Op } from './gate-grammar.js';

export type MonitorResource = 'cpu' | 'memory';

export interface MonitorGateTarget {
  /** The service's name as --monitor gives it, or a glob (* and ?) over the monitored services. */
  service: string;
  resource: MonitorResource;
  /** 'peak', 'mean' or a percentile of the samples, 'p95'. */
  stat: string;
}

export const MONITOR_GATE_FORM =
  'monitor.<service>.<cpu|memory>[.peak|.mean|.pNN] <op> <value>  e.g. monitor.shop.cpu < 80%, monitor.shop.memory.p95 < 1.5GB';

/** Service names as Swarm takes them, and globs over them. */
export const SERVICE_PATTERN = /^[A-Za-z0-9*?][A-Za-z0-9_.*?-]{0,62}$/;

const EXPR =
  /^\s*monitor\.([A-Za-z0-9_.*?-]+?)\.(cpu|memory)(?:\.(peak|max|mean|avg|p\d+(?:\.\d+)?))?\s*(<=|>=|==|<|>)\s*(.+?)\s*$/i;

const BYTES: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Whether an expression means to be a monitor gate (then its problems are this grammar's). */
export function isMonitorGate(expression: string): boolean {
  return /^\s*monitor\./i.test(expression);
}

export function parseMonitorGate(expression: string): { gate?: Gate; problem?: string } {
  const m = EXPR.exec(expression);
  if (!m) return { problem: `"${expression}": not of the form ${MONITOR_GATE_FORM}` };
  const service = m[1] as string;
  if (!SERVICE_PATTERN.test(service))
    return { problem: `"${expression}": "${service}" is not a Swarm service name` };
  const resource = (m[2] as string).toLowerCase() as MonitorResource;
  const raw = (m[3] ?? 'peak').toLowerCase();
  const stat = raw === 'max' ? 'peak' : raw === 'avg' ? 'mean' : raw;
  if (stat.startsWith('p') && stat !== 'peak' && Number(stat.slice(1)) > 100)
    return { problem: `"${expression}": a percentile is at most p100` };
  const valueText = m[5] as string;
  if (/^baseline/i.test(valueText))
    return { problem: `"${expression}": gates on monitored services take a fixed value, not the baseline` };
  const value = resource === 'cpu' ? cpuAmount(valueText) : memoryAmount(valueText);
  if (typeof value === 'string') return { problem: `"${expression}": ${value}` };
  return {
    gate: {
      expression: expression.trim(),
      label: null,
      metric: `monitor.${resource}`,
      op: m[4] as Op,
      value,
      monitor: { service, resource, stat },
    },
  };
}

/** "80%" → 0.8 of one core. */
function cpuAmount(text: string): number | string {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (!m)
    return `CPU is a percentage of one core: write e.g. 80% (or 150% for one and a half cores), not "${text}"`;
  return Number(m[1]) / 100;
}

/** "1.5GB", "512MB", "512m", "2GiB" → bytes (binary units, as docker stats shows them); a unit is required. */
function memoryAmount(text: string): number | string {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)$/i.exec(text);
  if (!m) return `memory needs its unit: write e.g. 1.5GB or 512MB, not "${text}"`;
  return Math.round(Number(m[1]) * (BYTES[(m[2] as string)[0]!.toLowerCase()] as number));
}

/** A glob with * and ? over service names. */
export function globMatches(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

/**
 * --monitor values and the monitor gates, checked before any run: each value a service name or glob, and each
 * gate's service one that --monitor samples (a gate on a service never sampled could only fail).
 */
export function monitorProblems(monitor: string[], gates: Gate[]): string[] {
  const problems = monitor
    .filter((p) => !SERVICE_PATTERN.test(p))
    .map(
      (p) =>
        `monitor: ${JSON.stringify(p)} is not a Swarm service name or glob (letters, digits, _ . - and the globs * ?)`,
    );
  for (const g of gates) {
    const service = g.monitor?.service;
    if (service === undefined) continue;
    const covered = monitor.some((p) => p === service || globMatches(p, service));
    if (!covered)
      problems.push(
        `criteria: "${g.expression}" is on service "${service}", which is not monitored; ` +
          `add --monitor ${service} (Action/atq.yml/Jenkins: monitor)${monitor.length ? ` (monitored: ${monitor.join(', ')})` : ''}`,
      );
  }
  return problems;
}
