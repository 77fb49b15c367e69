import type { AtqError } from '../errors.js';
import type { RunReport } from './report.js';

export type OutcomeKind = 'succeeded' | 'gates-failed' | 'failed' | 'aborted';

/** How a run ended, for every front alike: the CLI's exit code, the Action's step result, a server's status. */
export interface Outcome {
  kind: OutcomeKind;
  /** The CLI's exit code (and the Jenkins step's): 0, 3, 1, 130. */
  exitCode: number;
  /** One line for a human: what happened and, on failure, what to do. */
  headline: string;
  error?: { code: string; message: string };
}

export const EXIT_CODES: Record<OutcomeKind, number> = {
  succeeded: 0,
  failed: 1,
  'gates-failed': 3,
  aborted: 130,
};

/** An error ends a run, or any command, as a cancel (RUN_ABORTED) or as a failure. */
export function errorKind(error: Pick<AtqError, 'code'>): 'aborted' | 'failed' {
  return error.code === 'RUN_ABORTED' ? 'aborted' : 'failed';
}

/** The outcome of a run from its report and error. Pure: the same inputs always give the same outcome. */
export function outcome(report: RunReport, error?: AtqError): Outcome {
  if (error) {
    const kind = errorKind(error);
    return {
      kind,
      exitCode: EXIT_CODES[kind],
      headline: `[${error.code}] ${error.message.split('\n')[0]}`,
      error: { code: error.code, message: error.message },
    };
  }
  if (report.autoStop) {
    // A stop is a criterion that failed while the run went: exit 3, as a failed gate, every sample analysed.
    return {
      kind: 'gates-failed',
      exitCode: EXIT_CODES['gates-failed'],
      headline: `${report.autoStop.message.replace(/^s/, 'S')}; see summary.md in the results folder`,
    };
  }
  if (report.verdict === 'failed') {
    return {
      kind: 'gates-failed',
      exitCode: EXIT_CODES['gates-failed'],
      headline: 'performance gates failed; see summary.md in the results folder',
    };
  }
  const verdict =
    report.verdict === 'passed'
      ? ', gates passed'
      : report.verdict === 'inconclusive'
        ? ', gates inconclusive: the history cannot tell a regression from noise (not failing the run); see summary.md'
        : '';
  return {
    kind: 'succeeded',
    exitCode: EXIT_CODES.succeeded,
    headline: `run ${report.runId} succeeded${verdict}`,
  };
}
