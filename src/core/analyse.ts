import path from 'node:path';
import type { RunOptions } from '../config/options.js';
import { analyseJtl, type Summary } from '../results/summary.js';
import { verdictLines } from '../results/verdict-table.js';
import { writeReports } from '../results/write.js';
import type { Logger } from '../util/log.js';
import type { RunReport } from './report.js';

/**
 * Statistics, gates and reports for each plan that ran; the run's verdict is the worst of them.
 * `partial` says why the results stop early (a cancel, a timeout, a failure); it heads every report.
 */
export async function analysePlans(
  report: RunReport,
  options: RunOptions,
  baseline: Summary | undefined,
  logger: Logger,
  partial?: string,
): Promise<void> {
  for (const plan of report.plans) {
    if (!plan.samples) continue;
    const { plans: _plans, ...run } = report;
    const summary = await analyseJtl(path.join(plan.outDir, 'results.jtl'), {
      gates: options.gates,
      baseline,
      run: { ...run, plan: plan.plan },
    });
    if (partial) summary.warnings.unshift(partial);
    await writeReports(plan.outDir, summary);
    plan.verdict = summary.verdict;
    for (const line of verdictLines(summary, plan.plan)) logger.info(line);
  }
  const verdicts = report.plans.map((p) => p.verdict).filter((v) => v !== undefined);
  if (verdicts.length) {
    report.verdict = verdicts.includes('failed')
      ? 'failed'
      : verdicts.includes('passed')
        ? 'passed'
        : 'no-gates';
  }
}
