import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { errorMessage } from '../../errors.js';
import { apiProblem, statusOf, type GitHubApi } from './api.js';
import type { GitHubContext } from './context.js';

/** One earlier run of the history, downloaded into `<dir>/<id>/`. */
export interface BaselineRun {
  id: number;
  url: string;
  commit: string;
  artifactId: number;
  /** 'summary': its small `<name>-summary` artifact; 'full': its results artifact (a run made before those). */
  from: 'summary' | 'full';
  /** `sha256:<hex>` GitHub lists for the artifact: the download is checked against it. */
  digest?: string;
}

export type BaselineLookup =
  | {
      found: true;
      /** One subfolder per run: the core reads the folder as the history. */
      dir: string;
      /** Newest first. */
      runs: BaselineRun[];
      /** Runs that could not be downloaded, each with its reason (they are left out of the history). */
      problems: string[];
    }
  | { found: false; reason: string };

/** The small artifact a later comparison reads: each plan's summary.json and the run's run.json. */
export const summaryArtifactName = (artifactName: string) => `${artifactName}-summary`;

/** Artifact listings and downloads at a time: quick for ten runs, gentle on the API's rate limits. */
export const PARALLEL = 4;

interface Where {
  api: GitHubApi;
  token: string;
  ctx: GitHubContext;
  artifactName: string;
  /** Folder the runs' artifacts are extracted to, one subfolder per run. */
  dest: string;
  /** How many earlier runs to find (baseline-runs). */
  runs: number;
}

/**
 * `baseline: auto` on a pull request: the newest `runs` successful runs of this workflow on the base branch that
 * have an artifact, each downloaded into its own subfolder (the summary artifact, else the full one). Never
 * throws: what went wrong (first run, expired, no permission) is the reason.
 */
export async function findBaseline(w: Where): Promise<BaselineLookup> {
  const { ctx } = w;
  if (!ctx.pr) return { found: false, reason: noPullRequestReason(ctx) };
  try {
    const workflow = await workflowOf(w);
    const runs = await successfulRuns(w, workflow).catch((e: unknown) => {
      // The pull request that adds the workflow: GitHub does not know it on the base branch yet.
      if (statusOf(e) === 404 && ctx.workflowFile) return [];
      throw e;
    });
    if (!runs.length)
      return { found: false, reason: `no successful run of ${workflow} on ${ctx.pr.baseRef} yet` };
    const chosen = await withArtifacts(w, runs);
    if (!chosen.runs.length) return { found: false, reason: noArtifactReason(w, runs, workflow, chosen) };
    return await download(w, chosen.runs);
  } catch (e) {
    return { found: false, reason: apiProblem(e, 'looking up the baseline', 'actions: read') };
  }
}

/** Why an event other than a pull request's has no baseline to look up. */
export const noPullRequestReason = (ctx: GitHubContext) =>
  `a ${ctx.eventName || 'non-pull-request'} event looks up no baseline; this run's artifact is the baseline of later pull requests`;

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

/** Successful runs looked at: twice those wanted (some skipped the load test), at least 20. */
const lookAt = (runs: number) => Math.max(20, 2 * runs);

async function successfulRuns({ api, ctx, runs }: Where, workflow: string | number): Promise<RunRef[]> {
  const found: RunRef[] = [];
  const max = lookAt(runs);
  const pages = api.paginate.iterator(api.rest.actions.listWorkflowRuns, {
    owner: ctx.owner,
    repo: ctx.repo,
    workflow_id: workflow,
    branch: ctx.pr?.baseRef,
    status: 'success',
    per_page: Math.min(100, max),
  });
  for await (const page of pages) {
    // Newest first, as GitHub lists them. Pull-request runs never: a fork's branch may also be called "main".
    found.push(
      ...page.data.filter(
        (r) => r.id !== ctx.runId && r.head_branch === ctx.pr?.baseRef && !r.event.startsWith('pull_request'),
      ),
    );
    if (found.length >= max) break;
  }
  return found.slice(0, max);
}

interface Chosen {
  runs: BaselineRun[];
  /** The newest run whose artifact had expired (the reason when none is left). */
  expired?: RunRef;
}

/**
 * The newest runs with a usable artifact, at most `w.runs`, newest first: their artifacts listed PARALLEL
 * runs at a time, in order, until enough are found (one API call per run; nothing is downloaded yet).
 */
async function withArtifacts(w: Where, runs: RunRef[]): Promise<Chosen> {
  const chosen: Chosen = { runs: [] };
  for (let i = 0; i < runs.length && chosen.runs.length < w.runs; i += PARALLEL) {
    const batch = runs.slice(i, i + PARALLEL);
    const looked = await Promise.all(batch.map((run) => artifactOf(w, run)));
    looked.forEach((a, j) => {
      const run = batch[j] as RunRef;
      if (a.run) chosen.runs.push(a.run);
      else if (a.expired) chosen.expired ??= run;
    });
  }
  chosen.runs = chosen.runs.slice(0, w.runs);
  return chosen;
}

/** A run's summary artifact, else (a run made before them) its full results artifact; expired ones are not. */
async function artifactOf(w: Where, run: RunRef): Promise<{ run?: BaselineRun; expired: boolean }> {
  const { api, ctx } = w;
  const all = await api.paginate(api.rest.actions.listWorkflowRunArtifacts, {
    owner: ctx.owner,
    repo: ctx.repo,
    run_id: run.id,
    per_page: 100,
  });
  const named = (name: string) => all.filter((a) => a.name === name);
  const candidates = [
    ...named(summaryArtifactName(w.artifactName)).map((a) => ({ a, from: 'summary' as const })),
    ...named(w.artifactName).map((a) => ({ a, from: 'full' as const })),
  ];
  const usable = candidates.find((c) => !c.a.expired);
  if (!usable) return { expired: candidates.length > 0 };
  return {
    expired: false,
    run: {
      id: run.id,
      url: run.html_url,
      commit: run.head_sha,
      artifactId: usable.a.id,
      from: usable.from,
      ...(usable.a.digest ? { digest: usable.a.digest } : {}),
    },
  };
}

function noArtifactReason(w: Where, runs: RunRef[], workflow: string | number, chosen: Chosen): string {
  const base = w.ctx.pr?.baseRef;
  return chosen.expired
    ? `the artifact ${w.artifactName} of run ${chosen.expired.id} on ${base} has expired (retention-days), and no newer successful run has one`
    : `none of the last ${runs.length} successful run(s) of ${workflow} on ${base} has an artifact named ${summaryArtifactName(w.artifactName)} or ${w.artifactName}`;
}

/** Downloads the chosen runs PARALLEL at a time; one that fails is left out (its folder removed), with its reason. */
async function download(w: Where, runs: BaselineRun[]): Promise<BaselineLookup> {
  const failed = await inParallel(runs, PARALLEL, (run) =>
    downloadRun(w, run).then(
      () => undefined,
      async (e: unknown) => {
        await rm(path.join(w.dest, String(run.id)), { recursive: true, force: true });
        return `the artifact of run ${run.id} could not be downloaded (${errorMessage(e)}); it is left out of the history`;
      },
    ),
  );
  const problems = failed.filter((p): p is string => p !== undefined);
  const done = runs.filter((_, i) => failed[i] === undefined);
  if (!done.length) return { found: false, reason: problems.join('; ') };
  return { found: true, dir: w.dest, runs: done, problems };
}

async function downloadRun(w: Where, run: BaselineRun): Promise<void> {
  const { ctx } = w;
  const { digestMismatch } = await new DefaultArtifactClient().downloadArtifact(run.artifactId, {
    path: path.join(w.dest, String(run.id)),
    ...(run.digest ? { expectedHash: run.digest } : {}),
    findBy: { token: w.token, workflowRunId: run.id, repositoryOwner: ctx.owner, repositoryName: ctx.repo },
  });
  if (digestMismatch) throw new Error('its content does not match the digest GitHub lists');
}

/** `fn` over `items`, at most `limit` at a time; the results in the items' order. */
async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
