import { apiProblem, statusOf, type GitHubApi } from './api.js';
import type { GitHubContext } from './context.js';

export type CommentResult = { url: string; updated: boolean } | { problem: string; readOnly: boolean };

/**
 * Creates the pull request's comment, or updates the one carrying the same marker (one comment per job and
 * plan, kept up to date on every push instead of a pile). A read-only token (a fork's pull request) is
 * reported, not thrown: the job summary still has everything.
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
    const existing = await findComment(api, ctx, marker);
    if (existing !== undefined) {
      const { data } = await api.rest.issues.updateComment({ ...where, comment_id: existing, body });
      return { url: data.html_url, updated: true };
    }
    const { data } = await api.rest.issues.createComment({ ...where, issue_number: pr.number, body });
    return { url: data.html_url, updated: false };
  } catch (e) {
    return {
      problem: apiProblem(e, `commenting on pull request #${pr.number}`, 'pull-requests: write'),
      readOnly: statusOf(e) === 403,
    };
  }
}

async function findComment(api: GitHubApi, ctx: GitHubContext, marker: string): Promise<number | undefined> {
  const pages = api.paginate.iterator(api.rest.issues.listComments, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: (ctx.pr as NonNullable<GitHubContext['pr']>).number,
    per_page: 100,
  });
  for await (const page of pages) {
    // The marker at the start: a comment quoting ours (a reply) must not be taken for it.
    const mine = page.data.find((c) => c.body?.startsWith(marker));
    if (mine) return mine.id;
  }
  return undefined;
}
