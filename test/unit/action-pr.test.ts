import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  READ_ONLY,
  startGitHubApi,
  type ApiRequest,
  type GitHubApi,
  type StoredArtifact,
  type StoredRun,
} from '../helpers/github-api.js';
import { captured, quiet } from '../helpers/stdout.js';
import type { GitHubContext } from '../../src/action/pr/context.js';
import type { Feedback } from '../../src/action/pr/feedback.js';
import { loadRunOptions } from '../../src/config/load.js';
import { historyForPlan, readBaselineSet } from '../../src/results/baseline.js';

/**
 * `baseline: auto` and the pull-request comment through the real clients (Octokit from @actions/github,
 * @actions/artifact's findBy download) against the local stand-in of GitHub's REST API. @actions/github takes
 * its default API URL when first loaded, so the server starts before the modules are imported.
 */
type BaselineModule = typeof import('../../src/action/pr/baseline.js');
type CommentModule = typeof import('../../src/action/pr/comment.js');
type ApiModule = typeof import('../../src/action/pr/api.js');
type FeedbackModule = typeof import('../../src/action/pr/feedback.js');

const TOKEN = 'ghs_write000000000000000000000000000000';
const FORK = 'ghs_fork0000000000000000000000000000000';
const NO_ACTIONS = 'ghs_noactions00000000000000000000000000';
const PAT = 'ghp_personal000000000000000000000000000';
const saved = process.env.GITHUB_API_URL;
let gh: GitHubApi;
let baseline: BaselineModule;
let comment: CommentModule;
let feedbackModule: FeedbackModule;
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
  feedbackModule = await import('../../src/action/pr/feedback.js');
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
const find = (ctx: GitHubContext, token = TOKEN, runs = 1) =>
  baseline.findBaseline({
    api: apiOf(token),
    token,
    ctx,
    artifactName: 'atq-results',
    dest: mkdtempSync(path.join(temp, 'dl-')),
    runs,
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
    expect(found).toMatchObject({
      found: true,
      runs: [{ id: wanted.id, commit: wanted.head_sha, from: 'full' }],
    });
    if (!found.found) return;
    const file = path.join(found.dir, String(wanted.id), 'summary.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).run.runId).toBe('wanted');
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

/** A summary.json of plan a.jmx for the history: the core tells runs apart by runId and orders them by startedAt. */
const planSummary = (runId: string, hour: number) =>
  JSON.stringify({
    schemaVersion: 2,
    run: { runId, plan: 'a.jmx', startedAt: new Date(Date.UTC(2026, 0, 1, hour)).toISOString() },
    totals: { samples: 100, p95: 100 + hour },
    labels: [],
  });

interface Seeded {
  run: StoredRun;
  atqRunId: string;
  full: StoredArtifact;
  summary?: StoredArtifact;
}

/**
 * The base branch's history, oldest first: `fullOnly` runs made before summary artifacts existed (the results
 * artifact only, JTL and logs included), a run that skipped the load test (no artifact), a failed one, a pull
 * request's, then `withSummary` runs that uploaded both artifacts.
 */
function seedHistory(ctx: GitHubContext, fullOnly: number, withSummary: number): Seeded[] {
  const seeded: Seeded[] = [];
  const add = (i: number, summaryToo: boolean) => {
    const run = gh.addWorkflowRun('acme', ctx.repo, { head_branch: 'main' });
    const atqRunId = `run-${i}`;
    const files = {
      'run.json': JSON.stringify({ runId: atqRunId }),
      'summary.json': planSummary(atqRunId, i),
    };
    const full = gh.addArtifact('acme', ctx.repo, run.id, 'atq-results', {
      ...files,
      'results.jtl': 'timeStamp,elapsed,label\n'.repeat(5000),
      'logs/master.log': 'started\n',
    });
    const summary = summaryToo
      ? gh.addArtifact('acme', ctx.repo, run.id, 'atq-results-summary', files)
      : undefined;
    seeded.unshift({ run, atqRunId, full, ...(summary ? { summary } : {}) });
  };
  for (let i = 0; i < fullOnly; i++) add(i, false);
  gh.addWorkflowRun('acme', ctx.repo, { head_branch: 'main' });
  gh.addWorkflowRun('acme', ctx.repo, { head_branch: 'main', conclusion: 'failure' });
  gh.addWorkflowRun('acme', ctx.repo, { head_branch: 'feature', pull_requests: [7] });
  for (let i = fullOnly; i < fullOnly + withSummary; i++) add(i, true);
  return seeded; // newest first
}

/** The artifact ids whose zip was asked for since request `from`. */
const zipsSince = (from: number) =>
  gh.requests
    .slice(from)
    .map((r) => /\/actions\/artifacts\/(\d+)\/zip$/.exec(r.path)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort();

/** The most requests matching `match` that were in flight at once since request `from`. */
function mostAtOnce(from: number, match: (r: ApiRequest) => boolean): number {
  const spans = gh.requests.slice(from).filter(match);
  return Math.max(
    0,
    ...spans.map(
      (a) =>
        spans.filter((b) => b.receivedAt <= a.receivedAt && (b.answeredAt ?? Infinity) > a.receivedAt).length,
    ),
  );
}

describe('baseline: auto, a history of runs', () => {
  test('the newest runs with an artifact: summary artifacts where there are, older runs from their full one', async () => {
    const ctx = pr();
    const seeded = seedHistory(ctx, 4, 7);
    const from = gh.requests.length;
    const found = await quiet(() => find(ctx, TOKEN, 10));
    if (!found.found) throw new Error(found.reason);
    const chosen = seeded.slice(0, 10);
    expect(found.runs).toEqual(
      chosen.map((s) => ({
        id: s.run.id,
        url: `https://github.com/acme/${ctx.repo}/actions/runs/${s.run.id}`,
        commit: s.run.head_sha,
        artifactId: (s.summary ?? s.full).id,
        from: s.summary ? 'summary' : 'full',
        digest: (s.summary ?? s.full).digest,
      })),
    );
    expect(found.problems).toEqual([]);
    // The full artifacts of runs that have a summary one are never downloaded, nor anything of the oldest run.
    expect(zipsSince(from)).toEqual(chosen.map((s) => (s.summary ?? s.full).id).sort());
    expect(readdirSync(path.join(found.dir, String(chosen[0]?.run.id))).sort()).toEqual([
      'run.json',
      'summary.json',
    ]);
    expect(existsSync(path.join(found.dir, String(chosen[9]?.run.id), 'results.jtl'))).toBe(true);
    // What the core then reads: one history of ten runs of the plan, newest first.
    const set = await readBaselineSet(found.dir);
    expect(historyForPlan(set, 'a.jmx', 1, 10).map((h) => h.run?.runId)).toEqual(
      chosen.map((s) => s.atqRunId),
    );
  });

  test('as many as asked for (the newest), or as many as there are', async () => {
    const ctx = pr();
    const seeded = seedHistory(ctx, 0, 3);
    let from = gh.requests.length;
    const two = await quiet(() => find(ctx, TOKEN, 2));
    expect(two.found && two.runs.map((r) => r.id)).toEqual(seeded.slice(0, 2).map((s) => s.run.id));
    expect(zipsSince(from)).toHaveLength(2);
    from = gh.requests.length;
    const all = await quiet(() => find(ctx, TOKEN, 10));
    expect(all.found && all.runs.map((r) => r.id)).toEqual(seeded.map((s) => s.run.id));
    expect(zipsSince(from)).toHaveLength(3);
  });

  test('listings and downloads run in parallel, at most 4 at a time', async () => {
    const ctx = pr();
    seedHistory(ctx, 2, 10);
    gh.setLatency(100); // GitHub answers in about that time
    const from = gh.requests.length;
    const started = Date.now();
    try {
      const found = await quiet(() => find(ctx, TOKEN, 10));
      expect(found.found && found.runs).toHaveLength(10);
    } finally {
      gh.setLatency(0);
    }
    const ms = Date.now() - started;
    const listings = (r: ApiRequest) => r.path.endsWith('/artifacts') && r.method === 'GET';
    const blobs = (r: ApiRequest) => r.path.startsWith('/blob/');
    for (const match of [listings, blobs]) {
      expect(mostAtOnce(from, match)).toBeGreaterThan(1);
      expect(mostAtOnce(from, match)).toBeLessThanOrEqual(baseline.PARALLEL);
    }
    // A note, not an assertion: one at a time this would take some 3.1 s (31 answers of 100 ms).
    process.stderr.write(`[timing] 10 runs found and downloaded at 100 ms a request: ${ms} ms\n`);
  });

  test('an artifact that expired between its listing and its download is left out, with the reason', async () => {
    const ctx = pr();
    const seeded = seedHistory(ctx, 0, 3);
    const gone = seeded[1] as Seeded;
    gh.onRequest((r) => {
      if (r.path.endsWith(`/actions/artifacts/${gone.summary?.id}/zip`))
        (gone.summary as StoredArtifact).expired = true;
    });
    try {
      const found = await quiet(() => find(ctx, TOKEN, 10));
      if (!found.found) throw new Error(found.reason);
      expect(found.runs.map((r) => r.id)).toEqual([seeded[0]?.run.id, seeded[2]?.run.id]);
      expect(found.problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^the artifact of run ${gone.run.id} could not be downloaded \\(.*expired.*\\); it is left out of the history$`,
          ),
        ),
      ]);
      expect(existsSync(path.join(found.dir, String(gone.run.id)))).toBe(false);
    } finally {
      gh.onRequest(undefined);
    }
  });
});

describe('withGitHubHistory: the lookup with the checked run options', () => {
  const feedback = (ctx: GitHubContext, token = TOKEN): Feedback => ({
    ctx,
    token,
    comment: false,
    artifactName: 'atq-results',
    problems: [],
  });
  /** The options checked with baseline: auto as given, then the lookup (main's order). */
  const withHistory = async (values: Record<string, unknown>, f: Feedback) =>
    feedbackModule.withGitHubHistory(await loadRunOptions({ values, cwd: temp }), f);
  const savedTemp = process.env.RUNNER_TEMP;
  beforeAll(() => (process.env.RUNNER_TEMP = temp));
  afterAll(() => {
    if (savedTemp === undefined) delete process.env.RUNNER_TEMP;
    else process.env.RUNNER_TEMP = savedTemp;
  });

  test('baseline-runs from the options: that many runs, their folder the baseline, one line saying which', async () => {
    const ctx = pr();
    const seeded = seedHistory(ctx, 2, 3);
    const values = { baseline: 'auto', 'baseline-runs': 4, criteria: ['p95 <= baseline+10%'] };
    const { value: options, output } = await captured(() => withHistory(values, feedback(ctx)));
    expect(options.baselineRuns).toBe(4);
    expect(options.baselineMissing).toBe('skip');
    // A folder now: not an `auto` a server would read as its own history (nor one a local run refuses).
    expect(options.baselineAuto).toBeUndefined();
    const dir = options.baselineFile as string;
    expect(readdirSync(dir).sort()).toEqual(
      seeded
        .slice(0, 4)
        .map((s) => String(s.run.id))
        .sort(),
    );
    const newest = seeded[0]?.run as StoredRun;
    expect(output).toMatch(
      new RegExp(
        `\\[atq\\] baseline: 4 of 4 run\\(s\\) asked for \\(baseline-runs\\) on main, found and downloaded in \\d+\\.\\d s ` +
          `\\(1 from the full results artifact: runs made before the summary artifact\\); ` +
          `the newest: run ${newest.id} \\(commit ${newest.head_sha.slice(0, 12)}\\) https://github.com/acme/${ctx.repo}/actions/runs/${newest.id}`,
      ),
    );
    expect(output).toContain(`::set-output name=baseline-run-id::${newest.id}`);
  });

  test('no history: a warning and no baseline; with baseline-missing: fail and a baseline gate, a config error first', async () => {
    const ctx = pr();
    const values = { baseline: 'auto', criteria: ['p95 <= baseline+10%'] };
    const { value: options, output } = await captured(() => withHistory(values, feedback(ctx)));
    expect(options.baselineFile).toBeUndefined();
    expect(options.baselineAuto).toBeUndefined();
    expect(output).toContain(
      '::warning::baseline: auto: no successful run of ci.yml on main yet; gates on the baseline are skipped',
    );
    const strict = { ...values, 'baseline-missing': 'fail' };
    await expect(quiet(() => withHistory(strict, feedback(ctx)))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(
        'baseline: auto: no successful run of ci.yml on main yet. With baseline-missing: fail the gates on the baseline cannot pass',
      ),
    });
    // Without a gate on the baseline there is nothing to fail: deltas are simply left out.
    const deltasOnly = { baseline: 'auto', 'baseline-missing': 'fail', criteria: ['p95 < 1s'] };
    const plain = await quiet(() => withHistory(deltasOnly, feedback(ctx)));
    expect(plain.baselineFile).toBeUndefined();
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
