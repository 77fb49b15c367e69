import path from 'node:path';
import { runWorkflow, type ActRunResult } from '../helpers/act.js';
import { actionWorkflow, swarmSecrets, targetProps } from '../helpers/action-workflow.js';
import { testClient } from '../helpers/env.js';
import { startGitHubApi, type GitHubApi } from '../helpers/github-api.js';
import { startResultsService, unzipArtifact, type ResultsService } from '../helpers/results-service.js';
import { targetSuite } from '../helpers/suite.js';
import { leftovers } from '../helpers/target.js';

/**
 * The pull-request loop as GitHub runs it: act runs the workflow on a push to main (its artifact goes to the
 * results-service stand-in), then on a pull_request event with `baseline: auto`: the Action finds that run
 * through the REST stand-in (the real Octokit and @actions/artifact clients), downloads its artifact, applies
 * the baseline gate and keeps one comment on the pull request up to date.
 */
const client = testClient();
const suite = targetSuite(client);
const OWNER = 'atq-test';
const REPO = 'run-load-test';
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
});
afterAll(async () => {
  await service?.close();
  await gh?.close();
});

const criteria = 'p95 <= baseline+10%\nerror_rate < 1%';
const run = (event: 'push' | 'pull_request', delay: number, token = TOKEN, fork = false, extra = {}) =>
  runWorkflow({
    repoDir: path.resolve('.'),
    workflow: actionWorkflow(
      suite.target,
      { properties: targetProps(suite.target, 3, delay), criteria, baseline: 'auto', ...extra },
      { on: '[push, pull_request]' },
    ),
    event,
    repository: `${OWNER}/${REPO}`,
    ...(fork ? { eventPayload: forkPayload() } : {}),
    env: {
      ...service.env,
      GITHUB_API_URL: gh.url,
      // As GitHub sets it (act does not): the Action takes the workflow file from it.
      GITHUB_WORKFLOW_REF: `${OWNER}/${REPO}/.github/workflows/test.yml@refs/pull/1/merge`,
    },
    secrets: { ...swarmSecrets(), GITHUB_TOKEN: token },
    timeoutMs: 180_000,
  });

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

  test('on a push nothing is looked up: baseline gates skipped, the run passes, its artifact is uploaded', async () => {
    const r = await run('push', 0);
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
    // What GitHub then holds: a successful push run on main with that artifact.
    const files = Object.fromEntries([...unzipArtifact(artifact!)].map(([k, v]) => [k, new Uint8Array(v)]));
    const base = gh.addWorkflowRun(OWNER, REPO, { workflow: 'test.yml', head_branch: 'main', event: 'push' });
    gh.addArtifact(OWNER, REPO, base.id, 'atq-results', files);
    baseRunId = base.id;
    expect(await leftovers(client, atqRunOnMain)).toEqual([]);
  });

  test('a pull request 200 ms slower: the base run is the baseline, its gate fails, one comment with the deltas', async () => {
    // Someone posted the Action's marker first: their comment is left alone, the Action makes its own.
    const foreign = gh.addComment(OWNER, REPO, 1, `${MARKER}\nclick here`, { login: 'mallory' });
    const r = await run('pull_request', 200);
    expect(gh.comments(OWNER, REPO, 1)[0]).toMatchObject({
      id: foreign.id,
      body: `${MARKER}\nclick here`,
      updated_at: foreign.created_at,
    });
    expect(main(r)?.result).toBe('failure');
    const out = r.outputs.atq ?? {};
    expect(out).toMatchObject({ verdict: 'failed', 'baseline-run-id': String(baseRunId) });
    expect(r.log).toContain(`baseline: run ${baseRunId}`);
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
    const r = await run('pull_request', 200);
    expect(main(r)?.result).toBe('failure');
    const after = comments();
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(before.id);
    expect(after[0]?.body).not.toBe(before.body);
    expect(r.log).toContain('updated the pull request comment');
  });

  test("a fork's pull request: the read-only token gets a notice instead of a comment, the step does not fail", async () => {
    // Gates as warnings: this test is about the comment, whatever the timings.
    const r = await run('pull_request', 0, FORK_TOKEN, true, { 'fail-on-gates': 'false' });
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
});
