import { apiProblem, statusOf, type GitHubApi } from './api.js';
import type { GitHubContext } from './context.js';

export type CommentResult =
  { url: string; updated: boolean; note?: string } | { problem: string; readOnly: boolean };

/**
 * Creates the pull request's comment, or updates the one carrying the same marker (one comment per job and
 * plan, kept up to date on every push instead of a pile). Only a comment the token's own user wrote is
 * updated: anyone may post a comment starting with the marker, and updating theirs would publish our
 * results under their name (or in a comment they can edit back). A read-only token (a fork's pull request)
 * is reported, not thrown: the job summary still has everything.
 */
export async function upsertComment(
  api: GitHubApi,
  ctx: GitHubContext,
  marker: string,
  body: string,
): Promise<CommentResult> {
  const pr = ctx.pr as NonNullable<GitHubContext['pr']>;
  const where = { owner: ctx.owner, repo: ctx.repo };
  try {
    const me = await tokenUser(api);
    const existing = me.login === undefined ? undefined : await findComment(api, ctx, marker, me.login);
    if (existing !== undefined) {
      const { data } = await api.rest.issues.updateComment({ ...where, comment_id: existing, body });
      return { url: data.html_url, updated: true };
    }
    const { data } = await api.rest.issues.createComment({ ...where, issue_number: pr.number, body });
    return { url: data.html_url, updated: false, ...(me.problem ? { note: me.problem } : {}) };
  } catch (e) {
    return {
      problem: apiProblem(e, `commenting on pull request #${pr.number}`, 'pull-requests: write'),
      readOnly: statusOf(e) === 403,
    };
  }
}

/**
 * The login the token acts as, from GraphQL's viewer: it answers for GITHUB_TOKEN (github-actions[bot]), a
 * GitHub App's token and a personal one alike, where REST's GET /user refuses installation tokens. When it
 * cannot be told, no comment is updated (a new one is made) and `problem` says why.
 */
async function tokenUser(api: GitHubApi): Promise<{ login?: string; problem?: string }> {
  try {
    const { viewer } = await api.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    if (typeof viewer?.login === 'string' && viewer.login) return { login: viewer.login };
    throw new Error('the answer named no login');
  } catch (e) {
    return {
      problem:
        `comment-on-pr: could not tell which user the github-token acts as (${(e as Error).message}), so a ` +
        'new comment was made rather than updating one whose author is not known to be this workflow',
    };
  }
}

async function findComment(
  api: GitHubApi,
  ctx: GitHubContext,
  marker: string,
  login: string,
): Promise<number | undefined> {
  const pages = api.paginate.iterator(api.rest.issues.listComments, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: (ctx.pr as NonNullable<GitHubContext['pr']>).number,
    per_page: 100,
  });
  for await (const page of pages) {
    // The marker at the start: a comment quoting ours (a reply) must not be taken for it; and by this token's
    // user: a marker anyone else posted is left alone.
    const mine = page.data.find(
      (c) => c.body?.startsWith(marker) && c.user?.login.toLowerCase() === login.toLowerCase(),
    );
    if (mine) return mine.id;
  }
  return undefined;
}
