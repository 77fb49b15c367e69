import path from 'node:path';
import type { Distribution } from '../../src/results/precision.js';
import type { Stats } from '../../src/results/stats.js';
import type { Summary } from '../../src/results/summary.js';
import { runWorkflow, type ActRunResult } from '../helpers/act.js';
import { actionWorkflow, swarmSecrets, targetProps } from '../helpers/action-workflow.js';
import { testClient } from '../helpers/env.js';
import { startGitHubApi, type GitHubApi, type StoredRun } from '../helpers/github-api.js';
import {
  makeRuntimeToken,
  startResultsService,
  unzipArtifact,
  type ResultsService,
} from '../helpers/results-service.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/**
 * The pull-request loop as GitHub runs it: act runs the workflow on a push to main (its two artifacts, the results
 * and their summaries, go to the results-service stand-in), then on a pull_request event with `baseline: auto`:
 * the Action finds the base branch's history through the REST stand-in (the real Octokit and @actions/artifact
 * clients) - that run and earlier ones, the older made before summary artifacts existed - downloads it, judges
 * the baseline gate against all of it and keeps one comment on the pull request up to date.
 */
const client = testClient();
const suite = targetSuite(client);
const OWNER = 'atq-test';
const REPO = 'run-load-test';
/** A second repository, whose base branch has a noisy history. */
const NOISY_REPO = 'noisy-swarm';
const TOKEN = 'ghs_actionPrTest00000000000000000000000';
const FORK_TOKEN = 'ghs_actionPrFork00000000000000000000000';
let service: ResultsService;
let gh: GitHubApi;

beforeAll(async () => {
  service = await startResultsService();
  gh = await startGitHubApi();
  gh.addToken(TOKEN, { actions: 'read', pullRequests: 'write' });
  // What a fork's pull request gets: read access only.
  gh.addToken(FORK_TOKEN, { actions: 'read', pullRequests: 'read' });
  gh.addRepository(OWNER, REPO);
  gh.addRepository(OWNER, NOISY_REPO);
});
afterAll(async () => {
  await service?.close();
  await gh?.close();
});

const criteria = 'p95 <= baseline+10%\nerror_rate < 1%';
interface RunOpts {
  token?: string;
  fork?: boolean;
  repo?: string;
  extra?: Record<string, string>;
}
const run = (event: 'push' | 'pull_request', delay: number, o: RunOpts = {}) => {
  const repo = o.repo ?? REPO;
  return runWorkflow({
    repoDir: path.resolve('.'),
    workflow: actionWorkflow(
      suite.target,
      { properties: targetProps(suite.target, 3, delay), criteria, baseline: 'auto', ...o.extra },
      { on: '[push, pull_request]' },
    ),
    event,
    repository: `${OWNER}/${repo}`,
    ...(o.fork ? { eventPayload: forkPayload() } : {}),
    env: {
      ...service.env,
      // Each workflow run its own, as on GitHub: artifact names are unique within one run only.
      ACTIONS_RUNTIME_TOKEN: makeRuntimeToken(),
      GITHUB_API_URL: gh.url,
      // As GitHub sets it (act does not): the Action takes the workflow file from it.
      GITHUB_WORKFLOW_REF: `${OWNER}/${repo}/.github/workflows/test.yml@refs/pull/1/merge`,
    },
    secrets: { ...swarmSecrets(), GITHUB_TOKEN: o.token ?? TOKEN },
    timeoutMs: 180_000,
  });
};

/** The push run's delay: a p95 of some 50 ms, steady enough for a few percent of noise to mean something. */
const BASE_DELAY = 50;
type Files = Record<string, Uint8Array>;
const filesOf = (a: Parameters<typeof unzipArtifact>[0]): Files =>
  Object.fromEntries([...unzipArtifact(a)].map(([k, v]) => [k, new Uint8Array(v)]));
const json = (files: Files, name: string) => JSON.parse(Buffer.from(files[name] ?? []).toString('utf8'));

/**
 * An earlier run of the same plan, made from the real one: its response times × `factor` (a run on a busier or
 * quieter swarm), `hours` earlier, its own runId and commit. Its summary.json and run.json in the real one's places.
 */
function earlierRun(base: Files, factor: number, hours: number, ghRun: StoredRun): Files {
  const summary = json(base, 'summary.json') as Summary;
  const runJson = json(base, 'run.json') as Record<string, unknown>;
  const times = ['min', 'max', 'mean', 'median', 'p90', 'p95', 'p99'] as const;
  const scale = <T extends Stats>(s: T): T => ({
    ...s,
    ...Object.fromEntries(times.map((k) => [k, s[k] * factor])),
    percentiles: Object.fromEntries(Object.entries(s.percentiles).map(([k, v]) => [k, v * factor])),
  });
  const dist = (d: Distribution): Distribution => {
    const merged = new Map<number, number>();
    for (const [v, n] of d) merged.set(Math.round(v * factor), (merged.get(Math.round(v * factor)) ?? 0) + n);
    return [...merged].sort((a, b) => a[0] - b[0]);
  };
  const startedAt = new Date(Date.parse(String(summary.run?.startedAt)) - hours * 3_600_000).toISOString();
  const who = {
    runId: `${runJson.runId as string}-h${hours}`,
    startedAt,
    source: { commit: ghRun.head_sha },
  };
  const earlier: Summary = {
    ...summary,
    run: { ...summary.run, ...who },
    totals: scale(summary.totals),
    labels: summary.labels.map(scale),
    ...(summary.distributions && {
      distributions: {
        total: dist(summary.distributions.total),
        labels: Object.fromEntries(
          Object.entries(summary.distributions.labels).map(([k, d]) => [k, dist(d)]),
        ),
      },
    }),
  };
  const text = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  return { ...base, 'summary.json': text(earlier), 'run.json': text({ ...runJson, ...who }) };
}

const SUMMARY_FILES = ['run.json', 'summary.json'];
const onlySummaries = (files: Files): Files =>
  Object.fromEntries(Object.entries(files).filter(([k]) => SUMMARY_FILES.includes(k)));

/**
 * Seeds the base branch's history, oldest first: runs made from `base` at each factor (with a summary artifact
 * unless `fullOnly` says how many of the oldest predate those), then, when given, the real run itself.
 */
function seedHistory(repo: string, base: Files, factors: number[], fullOnly: number): void {
  factors.forEach((factor, i) => {
    const ghRun = gh.addWorkflowRun(OWNER, repo, {
      workflow: 'test.yml',
      head_branch: 'main',
      event: 'push',
    });
    const files = earlierRun(base, factor, factors.length - i, ghRun);
    gh.addArtifact(OWNER, repo, ghRun.id, 'atq-results', files);
    if (i >= fullOnly) gh.addArtifact(OWNER, repo, ghRun.id, 'atq-results-summary', onlySummaries(files));
  });
}

/** The summary.json of a run's results artifact, as uploaded to the results service. */
const uploadedSummary = (r: ActRunResult): Summary => {
  const artifact = service.artifacts.find(
    (a) => a.finalized && String(a.id) === r.outputs.atq?.['artifact-id'],
  );
  return json(filesOf(artifact!), 'summary.json') as Summary;
};

/** Pull request #2 from a fork's branch into main. */
function forkPayload(): Record<string, unknown> {
  const repo = { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER }, default_branch: 'main' };
  const fork = { name: REPO, full_name: `someone/${REPO}`, owner: { login: 'someone' } };
  return {
    action: 'opened',
    number: 2,
    pull_request: {
      number: 2,
      head: { ref: 'main', sha: 'f'.repeat(40), repo: fork },
      base: { ref: 'main', repo },
    },
    repository: repo,
  };
}

const main = (r: ActRunResult) => r.steps.find((s) => s.id === 'atq' && s.stage === 'Main');
const MARKER = '<!-- atq-run-load-test job=load plan=basic.jmx -->';
/** The Action's comments (GITHUB_TOKEN's user), not the one someone else posted with its marker. */
const comments = () => gh.comments(OWNER, REPO, 1).filter((c) => c.user.login === 'github-actions[bot]');

describe('baseline: auto and the pull-request comment (act, push then pull_request)', () => {
  let baseRunId = 0;
  let atqRunOnMain = '';
  let baseFiles: Files = {};

  test('on a push nothing is looked up: baseline gates skipped, the run passes, its two artifacts are uploaded', async () => {
    const r = await run('push', BASE_DELAY);
    expect(main(r)?.result).toBe('success');
    const out = r.outputs.atq ?? {};
    expect(out).toMatchObject({ verdict: 'passed' });
    expect(out['baseline-run-id']).toBeUndefined();
    expect(out['comment-url']).toBeUndefined();
    expect(r.log).toContain('a push event looks up no baseline');
    expect(r.summary).toMatch(/\| ⏭️ \| p95 \\<\\= baseline\\\+10\\% \|/);
    expect(r.summary).toContain('2 gate(s): 1 passed, 1 skipped');
    atqRunOnMain = out['run-id'] as string;
    const artifact = service.artifacts.find((a) => a.finalized && String(a.id) === out['artifact-id']);
    expect(artifact).toBeDefined();
    // Beside it, the small one later pull requests read: the summaries only, a few KB, kept as long.
    const small = service.artifacts.filter((a) => a.finalized && a.name === 'atq-results-summary').at(-1);
    const files = filesOf(artifact!);
    expect(Object.keys(filesOf(small!)).sort()).toEqual(SUMMARY_FILES);
    expect(filesOf(small!)['summary.json']).toEqual(files['summary.json']);
    expect(small?.size).toBeLessThan(300_000);
    expect(small?.retentionDays).toBe(artifact?.retentionDays);
    expect(r.log).toContain(`uploaded 2 file(s) as artifact atq-results-summary (id ${small?.id})`);
    // What GitHub then holds: nine earlier successful push runs on main (the four oldest made before summary
    // artifacts existed, a few percent apart), and the newest: this one, with both artifacts.
    baseFiles = files;
    seedHistory(REPO, files, [1.02, 0.97, 1.03, 0.98, 1.01, 0.99, 1.03, 0.97, 1.02], 4);
    const base = gh.addWorkflowRun(OWNER, REPO, { workflow: 'test.yml', head_branch: 'main', event: 'push' });
    gh.addArtifact(OWNER, REPO, base.id, 'atq-results', files);
    gh.addArtifact(OWNER, REPO, base.id, 'atq-results-summary', filesOf(small!));
    baseRunId = base.id;
    expect(await leftovers(client, atqRunOnMain)).toEqual([]);
  });

  test('a pull request 200 ms slower: judged against the ten base-branch runs, its gate fails, one comment with the deltas', async () => {
    // Someone posted the Action's marker first: their comment is left alone, the Action makes its own.
    const foreign = gh.addComment(OWNER, REPO, 1, `${MARKER}\nclick here`, { login: 'mallory' });
    const r = await run('pull_request', BASE_DELAY + 200);
    expect(gh.comments(OWNER, REPO, 1)[0]).toMatchObject({
      id: foreign.id,
      body: `${MARKER}\nclick here`,
      updated_at: foreign.created_at,
    });
    expect(main(r)?.result).toBe('failure');
    const out = r.outputs.atq ?? {};
    expect(out).toMatchObject({ verdict: 'failed', 'baseline-run-id': String(baseRunId) });
    const line = new RegExp(
      `baseline: 10 of 10 run\\(s\\) asked for \\(baseline-runs\\) on main, found and downloaded in ([\\d.]+) s ` +
        `\\(4 from the full results artifact: runs made before the summary artifact\\); the newest: run ${baseRunId} `,
    ).exec(r.log);
    expect(line).not.toBeNull();
    // A note for the record, not a timed assertion: the stand-ins answer on loopback.
    process.stderr.write(`[timing] act, baseline: auto: 10 runs found and downloaded in ${line?.[1]} s\n`);
    const gate = uploadedSummary(r).gates.find((g) => g.expression === 'p95 <= baseline+10%');
    expect(gate).toMatchObject({ status: 'failed', evidence: { runs: 10 } });
    expect(uploadedSummary(r).history).toHaveLength(10);
    const [c, ...more] = comments();
    expect(more).toEqual([]);
    expect(out['comment-url']).toBe(`https://github.com/${OWNER}/${REPO}/pull/1#issuecomment-${c?.id}`);
    expect(c?.body.split('\n')[0]).toBe(MARKER);
    expect(c?.body).toContain('❌ **Failed**');
    expect(c?.body).toMatch(/\| ❌ \| p95 \\<\\= baseline\\\+10\\% \|/);
    expect(c?.body).toContain(`Compared with run ${atqRunOnMain.replace(/-/g, '\\-')}`);
    expect(c?.body).toMatch(/\| \*\*All\*\* \| \d+ ms \\\(\\\+\d+ ms/);
    expect(c?.body).toContain(`/actions/runs/`);
  });

  test('the next push to the pull request updates the same comment', async () => {
    const before = { ...comments()[0]! }; // a copy: the stand-in updates its record in place
    const r = await run('pull_request', BASE_DELAY + 200);
    expect(main(r)?.result).toBe('failure');
    const after = comments();
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(before.id);
    expect(after[0]?.body).not.toBe(before.body);
    expect(r.log).toContain('updated the pull request comment');
  });

  test("a fork's pull request: the read-only token gets a notice instead of a comment, the step does not fail", async () => {
    // Gates as warnings: this test is about the comment, whatever the timings.
    const r = await run('pull_request', 0, {
      token: FORK_TOKEN,
      fork: true,
      extra: { 'fail-on-gates': 'false' },
    });
    expect(main(r)?.result).toBe('success');
    expect(r.outputs.atq).toMatchObject({ 'baseline-run-id': String(baseRunId) });
    expect(r.outputs.atq?.['comment-url']).toBeUndefined();
    const notice = r.annotations.find((a) => a.title === 'No pull request comment');
    expect(notice?.level).toBe('notice');
    expect(notice?.message).toMatch(
      /^commenting on pull request #2: 403 .*The job summary has the results\.$/,
    );
    expect(gh.comments(OWNER, REPO, 2)).toEqual([]);
    expect(r.summary).toContain('Compared with run');
  });

  test('a noisy history cannot tell: the gate is inconclusive, a warning annotation says what to do, the step passes', async () => {
    // Six earlier runs up to twice apart (a busy shared swarm) against a 10% tolerance: whatever this run measures,
    // short of several times slower or faster, that history cannot tell.
    seedHistory(NOISY_REPO, baseFiles, [1, 2, 0.5, 1.8, 0.55, 1.6], 0);
    const r = await run('pull_request', BASE_DELAY, { repo: NOISY_REPO });
    expect(main(r)?.result).toBe('success');
    expect(r.outputs.atq).toMatchObject({ verdict: 'inconclusive' });
    expect(r.log).toContain('baseline: 6 of 10 run(s) asked for (baseline-runs) on main');
    const gate = uploadedSummary(r).gates.find((g) => g.expression === 'p95 <= baseline+10%');
    expect(gate).toMatchObject({ status: 'inconclusive', evidence: { runs: 6 } });
    // Found by its message: act drops a title holding "=" (it splits key=value on every "=", GitHub's runner on
    // the first), and this gate's title is "Performance gate inconclusive: p95 <= baseline+10%".
    const warning = r.annotations.find(
      (a) => a.message.startsWith('basic.jmx: actual') && /inconclusive/.test(a.message),
    );
    expect(warning?.level).toBe('warning');
    expect(warning?.message).toMatch(
      /^basic\.jmx: actual .*; inconclusive: .*The step does not fail for it \(inconclusive: pass\)\. To make the gate decide: more earlier runs \(baseline-runs\), longer runs, or a wider tolerance; inconclusive: fail blocks the merge until it decides\.$/,
    );
    expect(r.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });

  test('with inconclusive: fail the same pull request fails the step, the gate an error as a failed one', async () => {
    const r = await run('pull_request', BASE_DELAY, { repo: NOISY_REPO, extra: { inconclusive: 'fail' } });
    expect(main(r)?.result).toBe('failure');
    expect(r.outputs.atq).toMatchObject({ verdict: 'failed' });
    const gate = r.annotations.find((a) => a.message.startsWith('basic.jmx: actual'));
    expect(gate?.level).toBe('error');
    expect(gate?.message).toContain('The step fails for it (inconclusive: fail).');
    expect(r.annotations.some((a) => a.level === 'error' && /performance gates failed/.test(a.message))).toBe(
      true,
    );
  });
});
