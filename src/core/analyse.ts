import path from 'node:path';
import type { RunOptions } from '../config/options.js';
import { analyseJtl, VERDICT_ORDER, type Summary } from '../results/summary.js';
import { trendLines, verdictLines } from '../results/verdict-table.js';
import { writeReports } from '../results/write.js';
import { baselineRef } from '../results/compare.js';
import { baselineCaption } from '../results/report/deltas.js';
import { baselineOf, type RunBaselines } from './baseline.js';
import type { RunListener } from './events.js';
import type { RunReport } from './report.js';
import type { MonitorData } from '../results/monitor.js';
import { withAutoStop } from '../results/auto-stop-report.js';
import { readGenerators } from './health.js';
import type { Unreliable } from '../results/generators.js';

/** One plan's analysed results, as the fronts get them (summary.md and friends are also on disk). */
export interface PlanSummary {
  plan: string;
  outDir: string;
  summary: Summary;
}

/**
 * Statistics, gates and reports for each plan that ran; the run's verdict is the worst of them.
 * `partial` says why the results stop early (a cancel, a timeout, a failure); it heads every report.
 */
export async function analysePlans(
  report: RunReport,
  options: RunOptions,
  baselines: RunBaselines | undefined,
  emit: RunListener,
  partial?: string,
  monitor?: MonitorData,
): Promise<PlanSummary[]> {
  const done: PlanSummary[] = [];
  for (const plan of report.plans) {
    if (!plan.samples) {
      emit({ type: 'plan-finished', plan: plan.plan, status: plan.status, samples: plan.samples });
      continue;
    }
    const { plans: _plans, ...run } = report;
    const { history, missing } = baselines
      ? baselineOf(baselines, plan.plan, report.plans.length, options.baselineRuns)
      : { history: undefined, missing: { mode: options.baselineMissing } };
    if (options.gates.some((g) => g.baseline) || history)
      emit({
        type: 'log',
        level: 'info',
        message: `plan ${plan.plan}: baseline ${historyCaption(history, missing)}`,
      });
    const warn = (message: string) => emit({ type: 'log', level: 'warn', message });
    const generators = await readGenerators(report.outDir, plan.outDir, warn);
    const analysed = await analyseJtl(path.join(plan.outDir, 'results.jtl'), {
      gates: options.gates,
      history,
      baselineMissing: missing,
      run: { ...run, plan: plan.plan },
      confidence: options.confidence,
      inconclusive: options.inconclusive,
      monitor,
      generators,
    });
    const stop = report.autoStop;
    const summary = stop?.plan === plan.plan ? withAutoStop(analysed, stop) : analysed;
    if (partial && plan.status !== 'succeeded') summary.warnings.unshift(partial);
    // One number everywhere (the verdict line, "The N samples measured until then", run.json): the samples
    // analysed, not the records counted before (a last line cut short by a cancel is not a sample).
    plan.samples = summary.totals.samples;
    await writeReports(plan.outDir, summary);
    plan.verdict = summary.verdict;
    if (summary.unreliable) report.unreliable = mergeUnreliable(report.unreliable, summary.unreliable);
    for (const line of [...verdictLines(summary, plan.plan), ...trendLines(summary)])
      emit({ type: 'log', level: 'info', message: line });
    emit({ type: 'plan-finished', plan: plan.plan, status: plan.status, samples: plan.samples, summary });
    done.push({ plan: plan.plan, outDir: plan.outDir, summary });
  }
  const verdicts = report.plans.map((p) => p.verdict).filter((v) => v !== undefined);
  if (verdicts.length) {
    // The worst first: one failed plan fails the run; skipped gates count for less than passed ones.
    report.verdict = VERDICT_ORDER.find((v) => verdicts.includes(v)) ?? 'no-gates';
    emit({ type: 'verdict', verdict: report.verdict });
  }
  return done;
}

/** "the last 8 runs, newest run r1 (commit abc1234) …", or why there is none. */
export function historyCaption(history: Summary[] | undefined, missing: { reason?: string }): string {
  const newest = history?.[0];
  if (!newest) return `none (${missing.reason ?? 'not given'})`;
  const caption = baselineCaption(baselineRef(newest));
  return history.length === 1 ? caption : `the last ${history.length} runs, the newest ${caption}`;
}

/** run.json's `unreliable`: every plan's reasons and generators, once each. */
function mergeUnreliable(a: Unreliable | undefined, b: Unreliable): Unreliable {
  const once = (x: string[]) => [...new Set(x)];
  return {
    reasons: once([...(a?.reasons ?? []), ...b.reasons]),
    workers: once([...(a?.workers ?? []), ...b.workers]),
  };
}
