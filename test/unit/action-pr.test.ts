import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { READ_ONLY, startGitHubApi, type GitHubApi } from '../helpers/github-api.js';
import type { GitHubContext } from '../../src/action/pr/context.js';

/**
 * `baseline: auto` and the pull-request comment through the real clients (Octokit from @actions/github,
 * @actions/artifact's findBy download) against the local stand-in of GitHub's REST API. @actions/github takes
 * its default API URL when first loaded, so the server starts before the modules are imported.
 */
type BaselineModule = typeof import('../../src/action/pr/baseline.js');
type CommentModule = typeof import('../../src/action/pr/comment.js');
type ApiModule = typeof import('../../src/action/pr/api.js');

const TOKEN = 'ghs_write000000000000000000000000000000';
const FORK = 'ghs_fork0000000000000000000000000000000';
const NO_ACTIONS = 'ghs_noactions00000000000000000000000000';
const PAT = 'ghp_personal000000000000000000000000000';
const saved = process.env.GITHUB_API_URL;
let gh: GitHubApi;
let baseline: BaselineModule;
let comment: CommentModule;
let apiOf: ApiModule['githubApi'];
const temp = mkdtempSync(path.join(os.tmpdir(), 'atq-pr-'));

beforeAll(async () => {
  gh = await startGitHubApi();
  gh.addToken(TOKEN, { actions: 'read', pullRequests: 'write' });
  gh.addToken(FORK, READ_ONLY);
  gh.addToken(NO_ACTIONS, { actions: 'none' });
  process.env.GITHUB_API_URL = gh.url;
  baseline = await import('../../src/action/pr/baseline.js');
  comment = await import('../../src/action/pr/comment.js');
  apiOf = (await import('../../src/action/pr/api.js')).githubApi;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.GITHUB_API_URL;
  else process.env.GITHUB_API_URL = saved;
  await gh?.close();
});

let repoCount = 0;
/** A repository of its own per test, and the context of pull request #7 into main in it. */
function pr(): GitHubContext {
  const repo = `shop-${++repoCount}`;
  gh.addRepository('acme', repo);
  return {
    owner: 'acme',
    repo,
    eventName: 'pull_request',
    runId: 999_999,
    job: 'load',
    serverUrl: 'https://github.com',
    workflowFile: '.github/workflows/ci.yml',
    pr: { number: 7, baseRef: 'main', fork: false },
  };
}
const summary = (runId: string) =>
  JSON.stringify({ schemaVersion: 1, run: { runId }, totals: {}, labels: [] });
const find = (ctx: GitHubContext, token = TOKEN) =>
  baseline.findBaseline({
    api: apiOf(token),
    token,
    ctx,
    artifactName: 'atq-results',
    dest: mkdtempSync(path.join(temp, 'dl-')),
  });

describe('baseline: auto', () => {
  test('over many pages, the newest successful push run on the base branch that has the artifact', async () => {
    const ctx = pr();
    const add = (seed: Parameters<GitHubApi['addWorkflowRun']>[2]) =>
      gh.addWorkflowRun('acme', ctx.repo, seed);
    const old = add({ head_branch: 'main' });
    gh.addArtifact('acme', ctx.repo, old.id, 'atq-results', { 'summary.json': summary('old') });
    const wanted = add({ head_branch: 'main' });
    gh.addArtifact('acme', ctx.repo, wanted.id, 'atq-results', { 'summary.json': summary('wanted') });
    for (let i = 0; i < 30; i++) add({ head_branch: i % 2 ? 'feature' : 'main', conclusion: 'failure' });
    add({ head_branch: 'main' }); // newer and successful, but the load test did not run: no artifact
    add({ head_branch: 'main', event: 'pull_request', pull_requests: [3] }); // a PR from a branch named main
    add({ head_branch: 'main', workflow: 'other.yml' });
    for (let i = 0; i < 45; i++) add({ head_branch: 'feature' });
    const found = await find(ctx);
    expect(found).toMatchObject({ found: true, runId: wanted.id, commit: wanted.head_sha });
    if (!found.found) return;
    expect(JSON.parse(readFileSync(path.join(found.dir, 'summary.json'), 'utf8')).run.runId).toBe('wanted');
  });

  test('not found: first run, expired artifact, no permission, not a pull request — each with its reason', async () => {
    const first = pr();
    expect(await find(first)).toEqual({ found: false, reason: 'no successful run of ci.yml on main yet' });
    gh.addWorkflowRun('acme', first.repo, { head_branch: 'feature', pull_requests: [7] }); // this PR's own run
    expect(await find(first)).toEqual({ found: false, reason: 'no successful run of ci.yml on main yet' });

    const expired = pr();
    const run = gh.addWorkflowRun('acme', expired.repo, { head_branch: 'main' });
    gh.addArtifact('acme', expired.repo, run.id, 'atq-results', { 'summary.json': '{}' }, { expired: true });
    expect(await find(expired)).toMatchObject({
      found: false,
      reason: expect.stringMatching(/^the artifact atq-results of run \d+ on main has expired/),
    });

    const denied = pr();
    gh.addWorkflowRun('acme', denied.repo, { head_branch: 'main' });
    expect(await find(denied, NO_ACTIONS)).toMatchObject({
      found: false,
      reason: expect.stringMatching(/^looking up the baseline: 403 .*`permissions: actions: read`/),
    });

    const push = { ...pr(), eventName: 'push', pr: undefined };
    expect(await find(push)).toMatchObject({ found: false, reason: expect.stringContaining('a push event') });
  });
});

describe('the pull-request comment', () => {
  const marker = '<!-- atq-run-load-test job=load plan=a.jmx -->';

  test('created once, then updated in place; other comments untouched', async () => {
    const ctx = pr();
    gh.addComment('acme', ctx.repo, 7, 'LGTM');
    gh.addComment('acme', ctx.repo, 7, `> ${marker}\n> quoted in a reply`);
    const first = await comment.upsertComment(apiOf(TOKEN), ctx, marker, `${marker}\nfirst`);
    expect(first).toMatchObject({ updated: false, url: expect.stringContaining(`/pull/7#issuecomment-`) });
    const second = await comment.upsertComment(apiOf(TOKEN), ctx, marker, `${marker}\nsecond`);
    expect(second).toEqual({ ...first, updated: true });
    const bodies = gh.comments('acme', ctx.repo, 7).map((c) => c.body);
    expect(bodies).toEqual(['LGTM', `> ${marker}\n> quoted in a reply`, `${marker}\nsecond`]);
  });

  test('a comment carrying the marker that another user posted is left alone: ours is made, then updated', async () => {
    const ctx = pr();
    const mallory = gh.addComment('acme', ctx.repo, 7, `${marker}\nclick here`, { login: 'mallory' });
    const bot = gh.addComment('acme', ctx.repo, 7, `${marker}\nx`, {
      login: 'preview-bot[bot]',
      type: 'Bot',
    });
    const first = await comment.upsertComment(apiOf(TOKEN), ctx, marker, `${marker}\nfirst`);
    expect(first).toMatchObject({ updated: false });
    expect(first).not.toHaveProperty('note');
    const second = await comment.upsertComment(apiOf(TOKEN), ctx, marker, `${marker}\nsecond`);
    expect(second).toEqual({ ...first, updated: true });
    const comments = gh.comments('acme', ctx.repo, 7);
    expect(comments.map((c) => [c.user.login, c.body])).toEqual([
      ['mallory', `${marker}\nclick here`],
      ['preview-bot[bot]', `${marker}\nx`],
      ['github-actions[bot]', `${marker}\nsecond`],
    ]);
    expect(comments[0]?.updated_at).toBe(mallory.created_at);
    expect(comments[1]?.updated_at).toBe(bot.created_at);
  });

  test("a personal token updates its user's comment, not the one of github-actions[bot]", async () => {
    const ctx = pr();
    gh.addToken(PAT, { kind: 'personal', user: { login: 'Octo-Cat' } });
    gh.addComment('acme', ctx.repo, 7, `${marker}\nfrom GITHUB_TOKEN`);
    const earlier = gh.addComment('acme', ctx.repo, 7, `${marker}\nfrom the PAT`, { login: 'octo-cat' });
    const r = await comment.upsertComment(apiOf(PAT), ctx, marker, `${marker}\nnew`);
    expect(r).toMatchObject({ updated: true, url: expect.stringContaining(`#issuecomment-${earlier.id}`) });
    expect(gh.comments('acme', ctx.repo, 7).map((c) => c.body)).toEqual([
      `${marker}\nfrom GITHUB_TOKEN`,
      `${marker}\nnew`,
    ]);
  });

  test("when the token's user cannot be told, a new comment is made and the note says why", async () => {
    const ctx = pr();
    gh.addComment('acme', ctx.repo, 7, `${marker}\nours, maybe`);
    const api = apiOf(TOKEN);
    // GraphQL refused (e.g. an outage): the one failure the stand-in does not make by itself.
    api.graphql = (() => Promise.reject(new Error('Service Unavailable'))) as unknown as typeof api.graphql;
    const r = await comment.upsertComment(api, ctx, marker, `${marker}\nnew`);
    expect(r).toMatchObject({
      updated: false,
      note: expect.stringMatching(
        /^comment-on-pr: could not tell which user the github-token acts as \(Service Unavailable\)/,
      ),
    });
    expect(gh.comments('acme', ctx.repo, 7)).toHaveLength(2);
  });

  test("a fork's read-only token: reported as such, nothing thrown", async () => {
    const ctx = pr();
    const r = await comment.upsertComment(apiOf(FORK), ctx, marker, `${marker}\nx`);
    expect(r).toMatchObject({
      readOnly: true,
      problem: expect.stringMatching(
        /^commenting on pull request #7: 403 Resource not accessible by integration/,
      ),
    });
    expect(gh.comments('acme', ctx.repo, 7)).toEqual([]);
    expect(existsSync(temp)).toBe(true);
  });
});
