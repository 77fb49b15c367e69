import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import type { PlanSummary } from '../../core/analyse.js';
import type { Outcome } from '../../core/outcome.js';
import { actionBool } from '../../config/inputs.js';
import { githubApi } from './api.js';
import { findBaseline } from './baseline.js';
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

/**
 * `baseline: auto`: the base branch's newest successful run's artifact becomes the baseline folder; when there
 * is none, gates on the baseline are skipped (unless `baseline-missing` says fail) with a warning saying why.
 * Returns the option values to run with.
 */
export async function autoBaseline(
  values: Record<string, unknown>,
  f: Feedback,
): Promise<Record<string, unknown>> {
  if (values.baseline !== 'auto') return values;
  const { baseline: _auto, ...rest } = values;
  const out: Record<string, unknown> = { 'baseline-missing': 'skip', ...rest };
  if (!f.token) {
    core.warning('baseline: auto needs the github-token input (default: the job token); no baseline');
    return out;
  }
  const dest = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'atq-baseline-'));
  const found = await findBaseline({
    api: githubApi(f.token),
    token: f.token,
    ctx: f.ctx,
    artifactName: f.artifactName,
    dest,
  });
  if (!found.found) {
    // A push or schedule run has no base branch to compare with: a note, not a warning.
    (f.ctx.pr ? core.warning : core.info)(
      `baseline: auto: ${found.reason}; gates on the baseline are skipped`,
    );
    return out;
  }
  core.info(
    `[atq] baseline: run ${found.runId} (commit ${found.commit.slice(0, 12)}) on ${f.ctx.pr?.baseRef}: ${found.runUrl}`,
  );
  core.setOutput('baseline-run-id', String(found.runId));
  return { ...out, baseline: found.dir };
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
