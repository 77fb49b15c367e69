import { getOctokit } from '@actions/github';

export type GitHubApi = ReturnType<typeof getOctokit>;

/** Octokit on the runner's API URL (GitHub Enterprise, or a stand-in in tests), read when called. */
export function githubApi(token: string): GitHubApi {
  return getOctokit(token, { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com' });
}

/** An HTTP status from Octokit's RequestError (or none for a network failure). */
export function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * What a refused call means for the user, and what to grant: the token's permissions are the usual cause
 * (`actions: read` for the baseline, `pull-requests: write` for the comment; a fork's token is read-only).
 */
export function apiProblem(e: unknown, what: string, permission: string): string {
  const status = statusOf(e);
  const message = (e as Error).message ?? String(e);
  if (status === 401) return `${what}: the github-token was refused (401 ${message})`;
  if (status === 403 || status === 404)
    return `${what}: ${status} ${message} — the token needs \`permissions: ${permission}\` (a fork's pull request gets a read-only token)`;
  return `${what}: ${status ? `${status} ` : ''}${message}`;
}
