import { execFile } from 'node:child_process';

/** Where the tested code came from: shown next to a baseline's numbers ("compared with commit 1a2b3c4"). */
export interface RunSource {
  commit?: string;
  ref?: string;
  /** The CI run or build that started this run. */
  ciUrl?: string;
}

/**
 * From the CI's variables (GitHub Actions, Jenkins' Git plugin, GitLab), else from git in the test directory.
 * Best effort: a test directory outside any repository, or no git, leaves the fields out.
 */
export async function runSource(testDir: string, env: NodeJS.ProcessEnv = process.env): Promise<RunSource> {
  const ci = fromCi(env);
  if (ci.commit) return ci;
  const commit = await git(testDir, ['rev-parse', 'HEAD']);
  const ref = ci.ref ?? (await git(testDir, ['rev-parse', '--abbrev-ref', 'HEAD']));
  return { ...ci, ...(commit ? { commit } : {}), ...(ref && ref !== 'HEAD' ? { ref } : {}) };
}

function fromCi(env: NodeJS.ProcessEnv): RunSource {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v);
  const github =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const out: RunSource = {};
  const commit = pick('GITHUB_SHA', 'GIT_COMMIT', 'CI_COMMIT_SHA');
  const ref = pick('GITHUB_HEAD_REF', 'GITHUB_REF_NAME', 'BRANCH_NAME', 'GIT_BRANCH', 'CI_COMMIT_REF_NAME');
  const ciUrl = github ?? pick('BUILD_URL', 'CI_JOB_URL');
  if (commit) out.commit = commit;
  if (ref) out.ref = ref;
  if (ciUrl) out.ciUrl = ciUrl;
  return out;
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 3000 }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim() || undefined),
    );
  });
}
