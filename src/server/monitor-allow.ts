import { globMatches, SERVICE_PATTERN } from '../config/monitor-gate.js';

/**
 * `monitor` on a shared server (--allow-monitor): a task samples the CPU and memory of Swarm services, and on a
 * swarm many teams use, the operator decides whose. The rule, checked when a task is submitted and again when
 * it starts (the operator may have restarted with fewer allowed):
 * - a requested name without wildcards is allowed when one of the allowed patterns matches it
 *   (`shop-web` under `shop-*`);
 * - a requested glob (`*` or `?` in it) is allowed only when it is exactly one of the allowed patterns. Whether
 *   every name a glob could match is covered by the allowed ones is a question about languages, not names;
 *   equality is simple to check and to explain, and never wrong in the operator's disfavour.
 * At run time the services a task's globs resolve to must match an allowed pattern too (RunLimits.monitorAllow,
 * core/monitor.ts): the same rule held once more where the names are real.
 * None allowed by default: a task with `monitor` is refused.
 */
export function monitorAllowProblems(requested: string[], allowed: string[]): string[] {
  return requested
    .filter((r) => !monitorRequestAllowed(r, allowed))
    .map(
      (r) =>
        `monitor: ${JSON.stringify(r)} is not allowed on this server` +
        (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it allows none)') +
        (isGlob(r) && allowed.length
          ? '; a glob must be exactly one of the allowed patterns: use one, or name the services'
          : '') +
        `; its operator can allow it with atq serve --allow-monitor ${r}`,
    );
}

/** Whether one requested name or glob may be monitored under the operator's patterns (the rule above). */
export function monitorRequestAllowed(requested: string, allowed: string[]): boolean {
  return isGlob(requested) ? allowed.includes(requested) : allowed.some((a) => globMatches(a, requested));
}

/** --allow-monitor values that are not service names or globs: the operator's typo, said at start. */
export function allowMonitorProblems(allowed: string[]): string[] {
  return allowed
    .filter((a) => !SERVICE_PATTERN.test(a))
    .map(
      (a) =>
        `allow-monitor: ${JSON.stringify(a)} is not a service name or glob (letters, digits, _ . - and the ` +
        "wildcards * ?, e.g. 'shop-*')",
    );
}

const isGlob = (name: string) => /[*?]/.test(name);
