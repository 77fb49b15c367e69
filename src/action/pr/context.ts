import { readFile } from 'node:fs/promises';

/** What the pull-request feedback needs from the workflow run, from the runner's variables and event payload. */
export interface GitHubContext {
  owner: string;
  repo: string;
  eventName: string;
  runId: number;
  job: string;
  serverUrl: string;
  /** `.github/workflows/ci.yml`, when the runner says (GITHUB_WORKFLOW_REF; act does not set it). */
  workflowFile?: string;
  /** headSha: the pull request's commit (GITHUB_SHA is the merge commit GitHub made for the run). */
  pr?: { number: number; baseRef: string; headSha?: string; fork: boolean };
}

const PR_EVENTS = ['pull_request', 'pull_request_target'];

export async function githubContext(env: NodeJS.ProcessEnv = process.env): Promise<GitHubContext> {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const payload = env.GITHUB_EVENT_PATH ? await readPayload(env.GITHUB_EVENT_PATH) : {};
  // owner/repo/.github/workflows/ci.yml@refs/pull/7/merge
  const workflowFile = /^[^/]+\/[^/]+\/(.+?)@/.exec(env.GITHUB_WORKFLOW_REF ?? '')?.[1];
  const ctx: GitHubContext = {
    owner,
    repo,
    eventName,
    runId: Number(env.GITHUB_RUN_ID ?? 0),
    job: env.GITHUB_JOB ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    ...(workflowFile ? { workflowFile } : {}),
  };
  const pr = payload.pull_request as PullRequestPayload | undefined;
  if (PR_EVENTS.includes(eventName) && pr && typeof pr.number === 'number') {
    const head = pr.head?.repo?.full_name;
    ctx.pr = {
      number: pr.number,
      baseRef: pr.base?.ref ?? env.GITHUB_BASE_REF ?? '',
      ...(pr.head?.sha ? { headSha: pr.head.sha } : {}),
      fork: Boolean(head && head !== `${owner}/${repo}`),
    };
  }
  return ctx;
}

interface PullRequestPayload {
  number?: number;
  base?: { ref?: string };
  head?: { sha?: string; repo?: { full_name?: string } };
}

async function readPayload(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function runUrl(ctx: GitHubContext): string {
  return `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${ctx.runId}`;
}

export function artifactUrl(ctx: GitHubContext, artifactId: number): string {
  return `${runUrl(ctx)}/artifacts/${artifactId}`;
}
