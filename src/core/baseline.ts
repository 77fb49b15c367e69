import type { RunOptions } from '../config/options.js';
import { AtqError } from '../errors.js';
import {
  BaselineNotFound,
  planBaseline,
  readBaselineSet,
  type BaselineSet,
  type PlanBaseline,
} from '../results/baseline.js';
import type { BaselineMissing } from '../results/gates.js';
import type { Logger } from '../util/log.js';

/** The run's baselines, read before anything runs: a bad --baseline is found in a second, not after the test. */
export interface RunBaselines {
  set?: BaselineSet;
  missing: BaselineMissing;
}

/**
 * With `--baseline-missing fail` (default) a baseline that is not there or unreadable is a configuration error;
 * with `skip` it is a warning, and the gates on it are skipped (CI's first run, an expired artifact, a baseline
 * written by a newer atq).
 */
export async function readRunBaselines(
  options: Pick<RunOptions, 'baselineFile' | 'baselineMissing'>,
  logger: Pick<Logger, 'warn'>,
): Promise<RunBaselines> {
  const mode = options.baselineMissing;
  const from = options.baselineFile;
  if (!from) return { missing: { mode, ...(mode === 'skip' ? { reason: 'no --baseline was given' } : {}) } };
  try {
    const set = await readBaselineSet(from);
    for (const u of set.unreadable) logger.warn(`baseline: skipping ${u}`);
    return { set, missing: { mode } };
  } catch (e) {
    const reason = (e as Error).message;
    if (mode === 'skip') {
      logger.warn(`baseline: ${reason}; gates on the baseline will be skipped (--baseline-missing skip)`);
      return { missing: { mode, reason } };
    }
    const hint =
      e instanceof BaselineNotFound
        ? 'Give the summary.json (or results folder) of an earlier run, or --baseline-missing skip to skip baseline gates when there is none.'
        : 'Give the summary.json of an earlier run.';
    throw new AtqError('CONFIG_INVALID', `baseline: ${reason}. ${hint}`, { file: from });
  }
}

export function baselineOf(b: RunBaselines, plan: string, planCount: number, runs = 10): PlanBaseline {
  return planBaseline(b.set, b.missing, plan, planCount, runs);
}
