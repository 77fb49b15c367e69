import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import type { PlanSummary } from '../../core/analyse.js';
import type { Outcome } from '../../core/outcome.js';
import { actionBool } from '../../config/inputs.js';
import type { RunOptions } from '../../config/options.js';
import { ConfigError } from '../../errors.js';
import { githubApi } from './api.js';
import { findBaseline, noPullRequestReason, type BaselineLookup, type BaselineRun } from './baseline.js';
import { commentBody, commentMarker } from './comment-body.js';
import { upsertComment } from './comment.js';
import { artifactUrl, githubContext, runUrl, type GitHubContext } from './context.js';

/** The pull-request loop's settings, from the inputs and the event. */
export interface Feedback {
  ctx: GitHubContext;
  token: string;
  comment: boolean;
  artifactName: string;
  problems: string[];
}

export async function feedbackSettings(artifactName: string): Promise<Feedback> {
  const ctx = await githubContext();
  const comment = actionBool(core.getInput('comment-on-pr'), 'comment-on-pr', ctx.pr !== undefined);
  return {
    ctx,
    token: core.getInput('github-token'),
    comment: comment.value,
    artifactName,
    problems: comment.problem ? [comment.problem] : [],
  };
}

/** Why no history can be looked up, known from the inputs and the event alone (before asking GitHub). */
function noLookupReason(f: Feedback): string | undefined {
  if (!f.token) return 'it needs the github-token input (default: the job token)';
  return f.ctx.pr ? undefined : noPullRequestReason(f.ctx);
}

/** With baseline-missing: fail, gates on the baseline cannot pass without one. */
const needsHistory = (options: RunOptions) =>
  options.baselineMissing === 'fail' && options.gates.some((g) => g.baseline);

const missingProblem = (reason: string) =>
  `baseline: auto: ${reason}. With baseline-missing: fail the gates on the baseline cannot pass; ` +
  'baseline-missing: skip (the default with baseline: auto) skips them until there is a baseline';

/**
 * `baseline: auto`'s problem that the inputs and the event already tell (no token, not a pull request), so it
 * is reported with the other inputs' problems, before anything is written or downloaded.
 */
export function historyProblem(options: RunOptions, f: Feedback): string | undefined {
  const reason = noLookupReason(f);
  return reason && needsHistory(options) ? missingProblem(reason) : undefined;
}

/**
 * `baseline: auto` (options checked, with baselineAuto set): the base branch's newest successful runs (up to
 * baseline-runs) are downloaded into one folder, one subfolder per run, which becomes the baseline: the core
 * reads it as a history.
 */
export async function withGitHubHistory(options: RunOptions, f: Feedback): Promise<RunOptions> {
  const reason = noLookupReason(f);
  if (reason) return noBaseline(options, f, reason);
  const dest = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'atq-baseline-'));
  const started = Date.now();
  const found = await findBaseline({
    api: githubApi(f.token),
    token: f.token,
    ctx: f.ctx,
    artifactName: f.artifactName,
    dest,
    runs: options.baselineRuns,
  });
  if (!found.found) return noBaseline(options, f, found.reason);
  for (const problem of found.problems) core.warning(`baseline: auto: ${problem}`);
  core.info(`[atq] ${historyLine(found, options.baselineRuns, f.ctx, Date.now() - started)}`);
  core.setOutput('baseline-run-id', String(found.runs[0]?.id));
  return withBaseline(options, dest);
}

/** GitHub's history becomes a folder (or none): no longer an `auto` that a server would read as its own. */
function withBaseline(options: RunOptions, baselineFile: string | undefined): RunOptions {
  const { baselineAuto, ...rest } = options;
  return { ...rest, baselineFile };
}

/**
 * No history: gates on the baseline are skipped (the default with `baseline: auto`), with a warning saying why.
 * With `baseline-missing: fail` they would fail the run whatever it measured: that fails the step now instead.
 */
function noBaseline(options: RunOptions, f: Feedback, reason: string): RunOptions {
  if (needsHistory(options)) throw new ConfigError([missingProblem(reason)]);
  // A push or schedule run has no base branch to compare with: a note, not a warning.
  (f.ctx.pr ? core.warning : core.info)(`baseline: auto: ${reason}; gates on the baseline are skipped`);
  return withBaseline(options, undefined);
}

/** "baseline: 10 of 10 runs asked for (baseline-runs) on main, found and downloaded in 1.2 s; the newest …" */
function historyLine(
  found: Extract<BaselineLookup, { found: true }>,
  asked: number,
  ctx: GitHubContext,
  ms: number,
): string {
  const newest = found.runs[0] as BaselineRun;
  const full = found.runs.filter((r) => r.from === 'full').length;
  return (
    `baseline: ${found.runs.length} of ${asked} run(s) asked for (baseline-runs) on ${ctx.pr?.baseRef}, ` +
    `found and downloaded in ${(ms / 1000).toFixed(1)} s` +
    (full ? ` (${full} from the full results artifact: runs made before the summary artifact)` : '') +
    `; the newest: run ${newest.id} (commit ${newest.commit.slice(0, 12)}) ${newest.url}`
  );
}

/** One comment per plan on the pull request, updated in place; a refusal is a notice, never a failed step. */
export async function commentOnPr(
  f: Feedback,
  summaries: PlanSummary[],
  o: Outcome,
  artifactId: number | undefined,
): Promise<void> {
  if (!f.comment) return;
  if (!f.ctx.pr) {
    core.notice(`comment-on-pr: a ${f.ctx.eventName} event has no pull request to comment on`);
    return;
  }
  const api = githubApi(f.token);
  for (const { plan, summary } of summaries) {
    const body = commentBody(summary, o, {
      marker: commentMarker(f.ctx.job, plan),
      plan,
      runUrl: runUrl(f.ctx),
      artifactUrl: artifactId === undefined ? undefined : artifactUrl(f.ctx, artifactId),
      artifactName: f.artifactName,
      commit: f.ctx.pr.headSha ?? process.env.GITHUB_SHA,
    });
    const r = await upsertComment(api, f.ctx, commentMarker(f.ctx.job, plan), body);
    if ('url' in r) {
      if (r.note) core.warning(r.note);
      core.info(`[atq] ${r.updated ? 'updated' : 'created'} the pull request comment ${r.url}`);
      core.setOutput('comment-url', r.url);
    } else if (r.readOnly) {
      core.notice(`${r.problem}. The job summary has the results.`, { title: 'No pull request comment' });
    } else {
      core.warning(`${r.problem}. The job summary has the results.`);
    }
  }
}
