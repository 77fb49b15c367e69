import type { AutoStopTrigger } from './auto-stop.js';
import type { GateResult } from './gates.js';
import type { Summary } from './summary.js';

/**
 * What every report says of a plan that auto-stop ended (docs/auto-stop.md): a warning first ("Stopped early:
 * …"), the criterion as a failed gate (so summary.md, report.html, junit.xml, the job summary and the PR comment
 * show it where they show gates, with no rendering of their own), the verdict failed, and the trigger itself.
 * Pure: returns a new summary.
 */
export function withAutoStop(summary: Summary, trigger: AutoStopTrigger): Summary {
  const gate: GateResult = {
    expression: `${trigger.criterion} (auto-stop)`,
    label: trigger.label,
    metric: trigger.metric,
    op: trigger.op,
    threshold: trigger.threshold,
    baseline: null,
    actual: trigger.observed,
    status: 'failed',
    passed: false,
    reason: trigger.message,
  };
  return {
    ...summary,
    autoStop: trigger,
    gates: [gate, ...summary.gates],
    verdict: 'failed',
    warnings: [`Stopped early: ${trigger.message}`, ...summary.warnings],
  };
}
