import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  GITHUB_ACTIONS_BOT,
  MAX_COMMENT_LENGTH,
  READ_ONLY,
  startGitHubApi,
  type GitHubApi,
  type StoredRun,
} from '../helpers/github-api.js';
import { quiet } from '../helpers/stdout.js';

/**
 * The real clients against the local stand-in of GitHub's REST API (loopback only, no Docker): `@actions/github`'s
 * Octokit (paginate included) and `@actions/artifact`'s `findBy` path. Both compute their default baseUrl from
 * GITHUB_API_URL when @actions/github is first loaded, and @actions/artifact has no baseUrl option, so one server
 * serves the whole file: it starts before the dynamic imports, and each test works in its own repository.
 */

type GitHubModule = typeof import('@actions/github');
type ArtifactModule = typeof import('@actions/artifact');
type Octokit = ReturnType<GitHubModule['getOctokit']>;

const OWNER = 'atq-org';
const WRITE_TOKEN = 'ghs_writeToken0000000000000000000000000';
const FORK_TOKEN = 'ghs_forkPullRequestToken00000000000000';
const NO_ACTIONS_TOKEN = 'ghs_noActionsPermission000000000000000';
const PERSONAL_TOKEN = 'ghp_personalAccessToken00000000000000000';
/** Variables the clients read; set for this file and restored after it. */
const CLIENT_ENV = ['GITHUB_API_URL', 'GITHUB_SERVER_URL', 'ACTIONS_ARTIFACT_MAX_ARTIFACT_COUNT'];

const savedEnv = new Map(CLIENT_ENV.map((k) => [k, process.env[k]]));
const temp = mkdtempSync(path.join(os.tmpdir(), 'atq-github-api-'));
let api: GitHubApi;
let github: GitHubModule;
let artifactClient: InstanceType<ArtifactModule['DefaultArtifactClient']>;
let octokit: Octokit;

beforeAll(async () => {
  api = await startGitHubApi();
  api.addToken(WRITE_TOKEN);
  api.addToken(FORK_TOKEN, READ_ONLY);
  api.addToken(NO_ACTIONS_TOKEN, { actions: 'none' });
  for (const k of CLIENT_ENV) delete process.env[k];
  Object.assign(process.env, api.env);
  github = await import('@actions/github');
  const artifact = await import('@actions/artifact');
  artifactClient = new artifact.DefaultArtifactClient();
  octokit = github.getOctokit(WRITE_TOKEN, { baseUrl: api.url });
});

afterAll(async () => {
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await api?.close();
  rmSync(temp, { recursive: true, force: true });
});

/** The requests the server saw since `from` (an index into api.requests). */
const since = (from: number) => api.requests.slice(from);

/** 35 runs of ci.yml, oldest first: ten successful on main, then 25 that are on a feature branch or failed. */
function seedRuns(repo: string): StoredRun[] {
  const runs: StoredRun[] = [];
  for (let i = 0; i < 35; i++) {
    const old = i < 10;
    runs.push(
      api.addWorkflowRun(OWNER, repo, {
        head_branch: old || i % 2 === 0 ? 'main' : 'feature/x',
        conclusion: old ? 'success' : i % 2 === 0 ? 'failure' : 'success',
      }),
    );
  }
  api.addWorkflowRun(OWNER, repo, { workflow: 'nightly.yml' }); // another workflow: never listed with ci.yml
  return runs;
}

describe('workflow runs', () => {
  test('paginate walks every page newest first, following Link to /repositories/{id}', async () => {
    const runs = seedRuns('pages');
    const from = api.requests.length;
    const all = await octokit.paginate(octokit.rest.actions.listWorkflowRuns, {
      owner: OWNER,
      repo: 'pages',
      workflow_id: 'ci.yml',
      per_page: 10,
    });
    expect(all.map((r) => r.id)).toEqual(runs.map((r) => r.id).reverse());
    const seen = since(from);
    expect(seen.map((r) => [r.query.page ?? '1', r.status])).toEqual([
      ['1', 200],
      ['2', 200],
      ['3', 200],
      ['4', 200],
    ]);
    expect(seen[0]?.path).toBe(`/repos/${OWNER}/pages/actions/workflows/ci.yml/runs`);
    expect(seen[1]?.path).toMatch(/^\/repositories\/\d+\/actions\/workflows\/ci\.yml\/runs$/);
    expect(seen[1]?.query).toEqual({ per_page: '10', page: '2' });
    expect(seen.every((r) => r.headers.authorization === `token ${WRITE_TOKEN}`)).toBe(true);
  });

  test('a consumer finds the newest successful run on a branch, stopping at the page that has it', async () => {
    const runs = seedRuns('newest');
    const expected = runs[9]; // the 26th newest: page 3 of 10 a page
    const from = api.requests.length;
    let found: { id: number; head_sha: string; html_url: string; run_number: number } | undefined;
    for await (const page of octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
      owner: OWNER,
      repo: 'newest',
      workflow_id: 'ci.yml',
      per_page: 10,
    })) {
      found = page.data.find((r) => r.head_branch === 'main' && r.conclusion === 'success');
      if (found) break;
    }
    expect(found).toMatchObject({
      id: expected?.id,
      head_sha: expected?.head_sha,
      run_number: 10,
      html_url: `https://github.com/${OWNER}/newest/actions/runs/${expected?.id}`,
    });
    expect(since(from)).toHaveLength(3);

    // The server-side filters give the same answer in one request; status=success filters on the conclusion.
    const { data } = await octokit.rest.actions.listWorkflowRuns({
      owner: OWNER,
      repo: 'newest',
      workflow_id: expected?.workflow_id ?? 0, // by numeric id this time
      branch: 'main',
      status: 'success',
      per_page: 1,
    });
    expect(data.total_count).toBe(10);
    expect(data.workflow_runs[0]).toMatchObject({
      id: expected?.id,
      conclusion: 'success',
      status: 'completed',
    });
    const completed = await octokit.rest.actions.listWorkflowRuns({
      owner: OWNER,
      repo: 'newest',
      workflow_id: 'ci.yml',
      status: 'completed',
      head_sha: runs[20]?.head_sha,
    });
    expect(completed.data.workflow_runs.map((r) => r.id)).toEqual([runs[20]?.id]);
  });

  test('Link carries prev, next, last and first in GitHub order, keeping the query', async () => {
    seedRuns('links');
    const { headers, data } = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      {
        owner: OWNER,
        repo: 'links',
        workflow_id: 'ci.yml',
        branch: 'main',
        per_page: 5,
        page: 2,
      },
    );
    const repoId = data.workflow_runs[0]?.repository.id;
    const at = (page: number) =>
      `<${api.url}/repositories/${repoId}/actions/workflows/ci.yml/runs?branch=main&per_page=5&page=${page}>`;
    expect(data.total_count).toBe(23); // ten old ones and the 13 even ones after them
    expect(headers.link).toBe(
      `${at(1)}; rel="prev", ${at(3)}; rel="next", ${at(5)}; rel="last", ${at(1)}; rel="first"`,
    );
  });

  test('a run has the fields a consumer reads and every field the OpenAPI schema requires', async () => {
    const run = api.addWorkflowRun(OWNER, 'shape', {
      head_branch: 'feature/y',
      pull_requests: [7],
      created_at: '2026-01-02T03:04:05Z',
    });
    const { data } = await octokit.rest.actions.getWorkflowRun({
      owner: OWNER,
      repo: 'shape',
      run_id: run.id,
    });
    // The `required` list of components.schemas.workflow-run in github/rest-api-description.
    const required = [
      'id', 'node_id', 'head_branch', 'run_number', 'display_title', 'event', 'status', 'conclusion', 'head_sha',
      'path', 'workflow_id', 'url', 'html_url', 'created_at', 'updated_at', 'head_commit', 'head_repository',
      'repository', 'jobs_url', 'logs_url', 'check_suite_url', 'cancel_url', 'rerun_url', 'artifacts_url',
      'workflow_url', 'pull_requests',
    ]; // prettier-ignore
    expect(Object.keys(data)).toEqual(expect.arrayContaining(required));
    expect(data).toMatchObject({
      head_branch: 'feature/y',
      event: 'pull_request',
      path: '.github/workflows/ci.yml',
      created_at: '2026-01-02T03:04:05Z',
      run_started_at: '2026-01-02T03:04:05Z',
      url: `${api.url}/repos/${OWNER}/shape/actions/runs/${run.id}`,
      repository: { full_name: `${OWNER}/shape`, private: true },
      pull_requests: [{ number: 7, head: { ref: 'feature/y', sha: run.head_sha } }],
    });
    const without = await octokit.rest.actions.listWorkflowRuns({
      owner: OWNER,
      repo: 'shape',
      workflow_id: 'ci.yml',
      exclude_pull_requests: true,
    });
    expect(without.data.workflow_runs[0]?.pull_requests).toEqual([]);
  });

  test("a fork's pull-request run names the fork as head repository and lists no pull requests", async () => {
    const run = api.addWorkflowRun(OWNER, 'forked', {
      head_repository: 'contributor/forked',
      pull_requests: [3],
    });
    const { data } = await octokit.rest.actions.getWorkflowRun({
      owner: OWNER,
      repo: 'forked',
      run_id: run.id,
    });
    expect(data.head_repository.full_name).toBe('contributor/forked');
    expect(data.repository.full_name).toBe(`${OWNER}/forked`);
    expect(data.pull_requests).toEqual([]);
  });

  test('an unknown workflow is a 404 RequestError in GitHub shape', async () => {
    api.addWorkflowRun(OWNER, 'missing');
    const error = await octokit.rest.actions
      .listWorkflowRuns({ owner: OWNER, repo: 'missing', workflow_id: 'nope.yml' })
      .catch((e: unknown) => e);
    const docs = 'https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow';
    expect(error).toMatchObject({
      name: 'HttpError',
      status: 404,
      message: `Not Found - ${docs}`,
      response: { data: { message: 'Not Found', documentation_url: docs, status: '404' } },
    });
    // An unknown repository and an unknown route are 404 too; a wrong method is not 405.
    await expect(
      octokit.rest.actions.listWorkflowRuns({ owner: OWNER, repo: 'no-such-repo', workflow_id: 'ci.yml' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit.request('GET /repos/{owner}/{repo}/pulls', { owner: OWNER, repo: 'missing' }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { documentation_url: 'https://docs.github.com/rest' } },
    });
    await expect(
      octokit.request('DELETE /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
        owner: OWNER,
        repo: 'missing',
        workflow_id: 'ci.yml',
      }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('artifacts', () => {
  const files = {
    'summary.json': JSON.stringify({ verdict: 'pass', p95: 412 }),
    'report/index.html': '<!doctype html><title>report</title>\n'.repeat(50),
    'raw/samples.bin': new Uint8Array(randomBytes(256 * 1024)),
  };

  test('listed by name through Octokit and through @actions/artifact findBy', async () => {
    const run = api.addWorkflowRun(OWNER, 'arts');
    const results = api.addArtifact(OWNER, 'arts', run.id, 'atq-results', files);
    const logs = api.addArtifact(OWNER, 'arts', run.id, 'logs', { 'jmeter.log': 'ok\n' });

    const byName = await octokit.rest.actions.listWorkflowRunArtifacts({
      owner: OWNER,
      repo: 'arts',
      run_id: run.id,
      name: 'atq-results',
    });
    expect(byName.data.total_count).toBe(1);
    expect(byName.data.artifacts[0]).toMatchObject({
      id: results.id,
      name: 'atq-results',
      size_in_bytes: results.zip.length,
      expired: false,
      digest: results.digest,
      archive_download_url: `${api.url}/repos/${OWNER}/arts/actions/artifacts/${results.id}/zip`,
      workflow_run: { id: run.id, head_sha: run.head_sha, head_branch: 'main' },
    });

    const from = api.requests.length;
    const listed = await quiet(() =>
      artifactClient.listArtifacts({
        findBy: { token: WRITE_TOKEN, workflowRunId: run.id, repositoryOwner: OWNER, repositoryName: 'arts' },
      }),
    );
    expect(listed.artifacts.map((a) => [a.name, a.id, a.size, a.digest])).toEqual([
      ['logs', logs.id, logs.zip.length, logs.digest],
      ['atq-results', results.id, results.zip.length, results.digest],
    ]);
    expect(listed.artifacts[0]?.createdAt).toEqual(new Date(logs.created_at));
    const [request] = since(from);
    expect(request).toMatchObject({
      method: 'GET',
      path: `/repos/${OWNER}/arts/actions/runs/${run.id}/artifacts`,
      query: { per_page: '100', page: '1' },
      token: WRITE_TOKEN,
      status: 200,
    });
    expect(request?.headers.authorization).toBe(`token ${WRITE_TOKEN}`);
  });

  test('downloadArtifact findBy follows the 302 to the signed blob and unzips the files', async () => {
    const run = api.addWorkflowRun(OWNER, 'download');
    const artifact = api.addArtifact(OWNER, 'download', run.id, 'atq-results', files);
    const dir = path.join(temp, 'download');
    const from = api.requests.length;
    const result = await quiet(() =>
      artifactClient.downloadArtifact(artifact.id, {
        path: dir,
        expectedHash: artifact.digest,
        findBy: {
          token: WRITE_TOKEN,
          workflowRunId: run.id,
          repositoryOwner: OWNER,
          repositoryName: 'download',
        },
      }),
    );
    expect(result).toEqual({ downloadPath: dir, digestMismatch: false });
    for (const [name, content] of Object.entries(files)) {
      expect(readFileSync(path.join(dir, name))).toEqual(Buffer.from(content));
    }
    const [zip, blob, ...rest] = since(from);
    expect(rest).toEqual([]);
    expect(zip).toMatchObject({
      path: `/repos/${OWNER}/download/actions/artifacts/${artifact.id}/zip`,
      status: 302,
    });
    // The blob GET goes to another "host" in reality: the client must not send the token there.
    expect(blob).toMatchObject({ method: 'GET', status: 200, token: undefined });
    expect(blob?.path).toMatch(/^\/blob\/actions-results\/.+\.zip$/);
    expect(blob?.query).toMatchObject({ sp: 'r', sr: 'b', rscd: 'attachment; filename="atq-results.zip"' });
    expect(blob?.headers.authorization).toBeUndefined();
  });

  test('an expired artifact is 410, which the client raises without touching blob storage', async () => {
    const run = api.addWorkflowRun(OWNER, 'expired');
    const artifact = api.addArtifact(OWNER, 'expired', run.id, 'old', { 'a.txt': 'a' }, { expired: true });
    const listed = await octokit.rest.actions.listWorkflowRunArtifacts({
      owner: OWNER,
      repo: 'expired',
      run_id: run.id,
    });
    expect(listed.data.artifacts[0]).toMatchObject({ id: artifact.id, expired: true });
    expect(Date.parse(artifact.expires_at)).toBeLessThan(Date.now());

    const from = api.requests.length;
    const error = await quiet(() =>
      artifactClient.downloadArtifact(artifact.id, {
        path: path.join(temp, 'expired'),
        findBy: {
          token: WRITE_TOKEN,
          workflowRunId: run.id,
          repositoryOwner: OWNER,
          repositoryName: 'expired',
        },
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 410,
      message: expect.stringMatching(
        /^Artifact has expired - https:\/\/docs\.github\.com\/rest\/actions\/artifacts#download-an-artifact/,
      ),
    });
    expect(since(from).map((r) => r.status)).toEqual([410]);
  });

  test('the blob URL checks its signature and serves a zip', async () => {
    const run = api.addWorkflowRun(OWNER, 'blob');
    const artifact = api.addArtifact(OWNER, 'blob', run.id, 'x', { 'x.txt': 'x' });
    const { status, headers } = await octokit.rest.actions.downloadArtifact({
      owner: OWNER,
      repo: 'blob',
      artifact_id: artifact.id,
      archive_format: 'zip',
      request: { redirect: 'manual' },
    });
    expect(status).toBe(302);
    const location = new URL(String(headers.location));
    const ok = await fetch(location);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(artifact.zip);

    location.searchParams.set('sig', randomBytes(32).toString('base64'));
    const forged = await fetch(location);
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('<Code>AuthenticationFailed</Code>');
  });
});

describe('comments', () => {
  test('create, list with paginate, update in place', async () => {
    const other = api.addComment(OWNER, 'comments', 12, 'Deploy preview ready', {
      login: 'preview-bot[bot]',
      type: 'Bot',
    });
    const created = await octokit.rest.issues.createComment({
      owner: OWNER,
      repo: 'comments',
      issue_number: 12,
      body: '<!-- atq:load-test -->\nRunning…',
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(created.data.url);
    expect(created.data).toMatchObject({
      body: '<!-- atq:load-test -->\nRunning…',
      html_url: `https://github.com/${OWNER}/comments/pull/12#issuecomment-${created.data.id}`,
      issue_url: `${api.url}/repos/${OWNER}/comments/issues/12`,
      user: { login: GITHUB_ACTIONS_BOT.login, id: GITHUB_ACTIONS_BOT.id, type: 'Bot' },
      author_association: 'NONE',
      performed_via_github_app: { slug: 'github-actions' },
    });
    for (let i = 0; i < 3; i++) api.addComment(OWNER, 'comments', 12, `human ${i}`, { login: 'octocat' });
    api.addComment(OWNER, 'comments', 13, 'another pull request');

    const from = api.requests.length;
    const listed = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: OWNER,
      repo: 'comments',
      issue_number: 12,
      per_page: 2,
    });
    expect(listed.map((c) => c.body)).toEqual([
      'Deploy preview ready',
      '<!-- atq:load-test -->\nRunning…',
      'human 0',
      'human 1',
      'human 2',
    ]);
    expect(listed[0]).toMatchObject({
      id: other.id,
      user: { login: 'preview-bot[bot]' },
      performed_via_github_app: null,
    });
    expect(since(from)).toHaveLength(3);

    const mine = listed.find((c) => c.body?.startsWith('<!-- atq:load-test -->'));
    const updated = await octokit.rest.issues.updateComment({
      owner: OWNER,
      repo: 'comments',
      comment_id: mine?.id ?? 0,
      body: '<!-- atq:load-test -->\nDone: pass',
    });
    expect(updated.status).toBe(200);
    expect(updated.data.id).toBe(created.data.id);
    expect(api.comments(OWNER, 'comments', 12).map((c) => c.body)).toEqual([
      'Deploy preview ready',
      '<!-- atq:load-test -->\nDone: pass',
      'human 0',
      'human 1',
      'human 2',
    ]);
    const fetched = await octokit.rest.issues.getComment({
      owner: OWNER,
      repo: 'comments',
      comment_id: created.data.id,
    });
    expect(fetched.data.body).toBe('<!-- atq:load-test -->\nDone: pass');
  });

  test("a fork's read-only token reads but cannot create or edit: 403", async () => {
    const existing = api.addComment(OWNER, 'fork-pr', 5, 'earlier result');
    const fork = github.getOctokit(FORK_TOKEN, { baseUrl: api.url });
    const listed = await fork.rest.issues.listComments({ owner: OWNER, repo: 'fork-pr', issue_number: 5 });
    expect(listed.data.map((c) => c.id)).toEqual([existing.id]);

    const error = await fork.rest.issues
      .createComment({ owner: OWNER, repo: 'fork-pr', issue_number: 5, body: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'HttpError',
      status: 403,
      response: {
        data: {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          status: '403',
        },
        headers: { 'x-accepted-github-permissions': 'issues=write; pull_requests=write' },
      },
    });
    await expect(
      fork.rest.issues.updateComment({ owner: OWNER, repo: 'fork-pr', comment_id: existing.id, body: 'x' }),
    ).rejects.toMatchObject({ status: 403 });
    expect(api.comments(OWNER, 'fork-pr', 5).map((c) => c.body)).toEqual(['earlier result']);
  });

  test('a body over 65536 characters is 422; exactly 65536 (counted in characters) is taken', async () => {
    api.addRepository(OWNER, 'long');
    const error = await octokit.rest.issues
      .createComment({
        owner: OWNER,
        repo: 'long',
        issue_number: 1,
        body: 'a'.repeat(MAX_COMMENT_LENGTH + 1),
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 422,
      response: {
        data: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'IssueComment',
              code: 'unprocessable',
              field: 'data',
              message: 'Body is too long (maximum is 65536 characters)',
            },
          ],
          documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          status: '422',
        },
      },
    });
    // An emoji is one character (two UTF-16 units, four bytes).
    const full = await octokit.rest.issues.createComment({
      owner: OWNER,
      repo: 'long',
      issue_number: 1,
      body: '📈'.repeat(MAX_COMMENT_LENGTH),
    });
    expect(full.status).toBe(201);
    await expect(
      octokit.rest.issues.updateComment({
        owner: OWNER,
        repo: 'long',
        comment_id: full.data.id,
        body: '📈'.repeat(MAX_COMMENT_LENGTH) + '!',
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});

describe("the token's own user", () => {
  test('GraphQL viewer answers for an installation token and a personal one; GET /user only for the latter', async () => {
    api.addToken(PERSONAL_TOKEN, { kind: 'personal', user: { login: 'octocat' } });
    const viewer = 'query Me { viewer { login databaseId } }';
    expect(await octokit.graphql(viewer)).toEqual({
      viewer: { login: GITHUB_ACTIONS_BOT.login, databaseId: GITHUB_ACTIONS_BOT.id },
    });
    const personal = github.getOctokit(PERSONAL_TOKEN, { baseUrl: api.url });
    expect(await personal.graphql('{ viewer { login } }')).toEqual({ viewer: { login: 'octocat' } });

    await expect(octokit.rest.users.getAuthenticated()).rejects.toMatchObject({
      status: 403,
      response: {
        data: {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        },
      },
    });
    const me = await personal.rest.users.getAuthenticated();
    expect(me.data).toMatchObject({ login: 'octocat', type: 'User' });
  });

  test("GraphQL: an unknown field is an error in GitHub's shape; a bad or missing token is 401", async () => {
    await expect(octokit.graphql('{ viewer { login email } }')).rejects.toMatchObject({
      name: 'GraphqlResponseError',
      errors: [{ message: "Field 'email' doesn't exist on type 'User'", path: ['query', 'viewer', 'email'] }],
    });
    const bad = github.getOctokit('ghp_notAKnownToken', { baseUrl: api.url });
    await expect(bad.graphql('{ viewer { login } }')).rejects.toMatchObject({ status: 401 });
    const anonymous = await fetch(`${api.origin}/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query: '{ viewer { login } }' }),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('authentication and headers', () => {
  test('an unknown token is 401 Bad credentials; no token sees no private repository (404)', async () => {
    api.addWorkflowRun(OWNER, 'auth');
    const bad = github.getOctokit('ghp_notAKnownToken', { baseUrl: api.url });
    await expect(
      bad.rest.actions.listWorkflowRuns({ owner: OWNER, repo: 'auth', workflow_id: 'ci.yml' }),
    ).rejects.toMatchObject({
      status: 401,
      response: {
        data: {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        },
      },
    });
    const bearer = await fetch(`${api.url}/repos/${OWNER}/auth/actions/workflows/ci.yml/runs`, {
      headers: { authorization: `Bearer ${WRITE_TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    const anonymous = await fetch(`${api.url}/repos/${OWNER}/auth/actions/workflows/ci.yml/runs`);
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers.get('x-ratelimit-limit')).toBe('60');
  });

  test('a token without actions:read is 403 on the actions endpoints', async () => {
    const run = api.addWorkflowRun(OWNER, 'no-actions');
    const artifact = api.addArtifact(OWNER, 'no-actions', run.id, 'r', { 'r.txt': 'r' });
    const client = github.getOctokit(NO_ACTIONS_TOKEN, { baseUrl: api.url });
    await expect(
      client.rest.actions.listWorkflowRuns({ owner: OWNER, repo: 'no-actions', workflow_id: 'ci.yml' }),
    ).rejects.toMatchObject({
      status: 403,
      response: { headers: { 'x-accepted-github-permissions': 'actions=read' } },
    });
    const error = await quiet(() =>
      artifactClient.downloadArtifact(artifact.id, {
        path: path.join(temp, 'no-actions'),
        findBy: {
          token: NO_ACTIONS_TOKEN,
          workflowRunId: run.id,
          repositoryOwner: OWNER,
          repositoryName: 'no-actions',
        },
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403 });
  });

  test('answers carry GitHub headers; If-None-Match gives 304; an unknown API version is 400', async () => {
    api.addWorkflowRun(OWNER, 'headers');
    const url = `${api.url}/repos/${OWNER}/headers/actions/workflows/ci.yml/runs`;
    const auth = { authorization: `token ${WRITE_TOKEN}` };
    const first = await fetch(url, { headers: auth });
    const second = await fetch(url, { headers: auth });
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('x-github-api-version-selected')).toBe('2022-11-28');
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(
      Number(first.headers.get('x-ratelimit-remaining')) - 1,
    );
    expect(first.headers.get('x-github-request-id')).toMatch(/^[0-9A-F]{4}(:[0-9A-F]{5,8}){4}$/);

    const etag = first.headers.get('etag') ?? '';
    const cached = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    expect(cached.status).toBe(304);

    const newer = await fetch(url, { headers: { ...auth, 'x-github-api-version': '2026-03-10' } });
    expect(newer.headers.get('x-github-api-version-selected')).toBe('2026-03-10');
    const unknown = await fetch(url, { headers: { ...auth, 'x-github-api-version': 'v3' } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toMatch(
      /"v3", is not a supported version/,
    );
  });
});

/** A throwaway self-signed certificate for 127.0.0.1 (keys from Node: forge's pure-JS RSA is slow). */
function selfSigned(): { cert: string; key: string } {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  const subject = [{ name: 'commonName', value: 'atq-github-api-test' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }]);
  cert.sign(forge.pki.privateKeyFromPem(pair.privateKey), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: pair.privateKey };
}

test('over TLS under /api/v3, as GitHub Enterprise serves it, Octokit paginates with a trusted CA', async () => {
  const tls = selfSigned();
  const ghes = await startGitHubApi({ tls, pathPrefix: '/api/v3' });
  try {
    ghes.addToken(WRITE_TOKEN);
    for (let i = 0; i < 3; i++) ghes.addWorkflowRun('ent', 'app');
    expect(ghes.url).toBe(`${ghes.origin}/api/v3`);
    expect(ghes.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/v3$/);

    // Octokit's fetch is undici's: trust the certificate through a dispatcher, as NODE_EXTRA_CA_CERTS would.
    const dispatcher = new Agent({ connect: { ca: tls.cert } });
    const client = github.getOctokit(WRITE_TOKEN, {
      baseUrl: ghes.url,
      request: { fetch: (url: string, init: object) => undiciFetch(url, { ...init, dispatcher }) },
    });
    const runs = await client.paginate(client.rest.actions.listWorkflowRuns, {
      owner: 'ent',
      repo: 'app',
      workflow_id: 'ci.yml',
      per_page: 2,
    });
    expect(runs).toHaveLength(3);
    expect(runs[0]?.html_url).toBe(`${ghes.origin}/ent/app/actions/runs/${runs[0]?.id}`);
    expect(ghes.requests.map((r) => r.path)).toEqual([
      '/api/v3/repos/ent/app/actions/workflows/ci.yml/runs',
      expect.stringMatching(/^\/api\/v3\/repositories\/\d+\/actions\/workflows\/ci\.yml\/runs$/),
    ]);
    // GraphQL lives next to the REST API, at /api/graphql: Octokit finds it from the same baseUrl.
    expect(await client.graphql('{ viewer { login } }')).toEqual({
      viewer: { login: GITHUB_ACTIONS_BOT.login },
    });
    expect(ghes.requests.at(-1)?.path).toBe('/api/graphql');
    await dispatcher.close();

    // Outside the prefix there is no API; Node's https with the same CA shows it.
    const outside = await undiciFetch(`${ghes.origin}/repos/ent/app/actions/workflows/ci.yml/runs`, {
      headers: { authorization: `token ${WRITE_TOKEN}` },
      dispatcher: new Agent({ connect: { ca: tls.cert } }),
    });
    expect(outside.status).toBe(404);
  } finally {
    await ghes.close();
  }
});
