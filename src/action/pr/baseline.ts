import { DefaultArtifactClient } from '@actions/artifact';
import { apiProblem, statusOf, type GitHubApi } from './api.js';
import type { GitHubContext } from './context.js';

export type BaselineLookup =
  | { found: true; dir: string; runId: number; runUrl: string; commit: string; artifactId: number }
  | { found: false; reason: string };

/** Successful runs looked at for the artifact before giving up (a run may have skipped the load test). */
const MAX_RUNS = 20;

interface Where {
  api: GitHubApi;
  token: string;
  ctx: GitHubContext;
  artifactName: string;
  /** Folder the artifact is extracted to. */
  dest: string;
}

/**
 * `baseline: auto` on a pull request: the newest successful run of this workflow on the base branch that has
 * the artifact, downloaded. Never throws: what went wrong (first run, expired, no permission) is the reason.
 */
export async function findBaseline(w: Where): Promise<BaselineLookup> {
  const { ctx } = w;
  if (!ctx.pr)
    return {
      found: false,
      reason: `a ${ctx.eventName || 'non-pull-request'} event looks up no baseline; this run's artifact is the baseline of later pull requests`,
    };
  try {
    const workflow = await workflowOf(w);
    const runs = await successfulRuns(w, workflow).catch((e: unknown) => {
      // The pull request that adds the workflow: GitHub does not know it on the base branch yet.
      if (statusOf(e) === 404 && ctx.workflowFile) return [];
      throw e;
    });
    if (!runs.length)
      return { found: false, reason: `no successful run of ${workflow} on ${ctx.pr.baseRef} yet` };
    return await firstWithArtifact(w, runs, workflow);
  } catch (e) {
    return { found: false, reason: apiProblem(e, 'looking up the baseline', 'actions: read') };
  }
}

/** The workflow file from GITHUB_WORKFLOW_REF, else the current run's workflow id (act sets no WORKFLOW_REF). */
async function workflowOf({ api, ctx }: Where): Promise<string | number> {
  if (ctx.workflowFile) return ctx.workflowFile.split('/').pop() as string;
  const { data } = await api.rest.actions.getWorkflowRun({
    owner: ctx.owner,
    repo: ctx.repo,
    run_id: ctx.runId,
  });
  return data.workflow_id;
}

interface RunRef {
  id: number;
  html_url: string;
  head_sha: string;
}

async function successfulRuns({ api, ctx }: Where, workflow: string | number): Promise<RunRef[]> {
  const found: RunRef[] = [];
  const pages = api.paginate.iterator(api.rest.actions.listWorkflowRuns, {
    owner: ctx.owner,
    repo: ctx.repo,
    workflow_id: workflow,
    branch: ctx.pr?.baseRef,
    status: 'success',
    per_page: MAX_RUNS,
  });
  for await (const page of pages) {
    // Newest first, as GitHub lists them. Pull-request runs never: a fork's branch may also be called "main".
    found.push(
      ...page.data.filter(
        (r) => r.id !== ctx.runId && r.head_branch === ctx.pr?.baseRef && !r.event.startsWith('pull_request'),
      ),
    );
    if (found.length >= MAX_RUNS) break;
  }
  return found.slice(0, MAX_RUNS);
}

async function firstWithArtifact(
  w: Where,
  runs: RunRef[],
  workflow: string | number,
): Promise<BaselineLookup> {
  const { api, ctx } = w;
  let expired: RunRef | undefined;
  for (const run of runs) {
    const { data } = await api.rest.actions.listWorkflowRunArtifacts({
      owner: ctx.owner,
      repo: ctx.repo,
      run_id: run.id,
      name: w.artifactName,
    });
    const artifact = data.artifacts.find((a) => a.name === w.artifactName);
    if (!artifact) continue;
    if (artifact.expired) {
      expired ??= run;
      continue;
    }
    await new DefaultArtifactClient().downloadArtifact(artifact.id, {
      path: w.dest,
      findBy: { token: w.token, workflowRunId: run.id, repositoryOwner: ctx.owner, repositoryName: ctx.repo },
    });
    return {
      found: true,
      dir: w.dest,
      runId: run.id,
      runUrl: run.html_url,
      commit: run.head_sha,
      artifactId: artifact.id,
    };
  }
  const base = ctx.pr?.baseRef;
  return {
    found: false,
    reason: expired
      ? `the artifact ${w.artifactName} of run ${expired.id} on ${base} has expired (retention-days), and no newer successful run has one`
      : `none of the last ${runs.length} successful run(s) of ${workflow} on ${base} has an artifact named ${w.artifactName}`,
  };
}
