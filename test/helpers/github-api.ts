import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { zipSync } from 'fflate';

/**
 * A local stand-in for the part of GitHub's REST API that a pull-request feedback loop uses, so tests can drive
 * the real clients (`@actions/github`'s Octokit, `@actions/artifact`'s `findBy` path) end to end on loopback.
 *
 * Endpoints, as GitHub speaks them (JSON shapes from the REST docs' examples and octokit's OpenAPI types):
 * - `GET  /repos/{o}/{r}/actions/workflows/{workflow_id}/runs` (id or file name such as `ci.yml`), filters
 *   `branch`, `event`, `status` (a run status, or a conclusion such as `success`), `head_sha`, `actor`,
 *   `exclude_pull_requests`; newest first. `GET /repos/{o}/{r}/actions/runs/{run_id}`.
 * - `GET  /repos/{o}/{r}/actions/runs/{run_id}/artifacts` (`name`, `direction`), `GET …/actions/artifacts/{id}`,
 *   `GET …/actions/artifacts/{id}/zip`: 302 to a signed blob URL valid for one minute (as GitHub's "expires after
 *   1 minute"), 410 once expired. The blob lives on this server under `/blob/` (outside any path prefix, as it
 *   lives on another host in reality), needs no Authorization, checks its `sig`, and answers Azure-style.
 * - `GET|POST /repos/{o}/{r}/issues/{n}/comments` (oldest first), `GET|PATCH /repos/{o}/{r}/issues/comments/{id}`.
 *   Bodies over 65536 characters: 422. Issue numbers are taken as pull requests (html_url `/pull/{n}`).
 * - `/repositories/{id}/…` serves the same as `/repos/{o}/{r}/…`: GitHub's Link headers point there.
 * - `GET /user`: the token's user for a personal access token; 403 "Resource not accessible by integration" for
 *   an installation token (GITHUB_TOKEN, a GitHub App's), as GitHub refuses it.
 * - `POST /graphql` (`/api/graphql` under `/api/v3`, where Octokit sends it): only `{ viewer { login
 *   databaseId id } }` (any subset, any operation name), which GitHub answers for every kind of token; any
 *   other field is a GraphQL error in GitHub's shape.
 *
 * Conventions it keeps:
 * - Authorization `token X` or `Bearer X`. An unknown token is 401 "Bad credentials" on every path. No token is
 *   anonymous: repositories here are private, so GitHub answers 404 (it hides private repositories rather than
 *   say 401/403). A token's permissions gate each endpoint (`actions` read; `pull_requests` read or write): a
 *   missing one is 403 "Resource not accessible by integration" with `x-accepted-github-permissions`.
 * - Errors: `{message, errors?, documentation_url, status: "<code>"}`; documentation_url names the endpoint's
 *   docs section, or https://docs.github.com/rest for unknown routes. A wrong method or a trailing slash is 404
 *   (GitHub answers 404, not 405).
 * - Pagination: `per_page` (default 30, max 100) and `page`; `Link` with rel prev/next/last/first, in GitHub's
 *   order, on `/repositories/{id}/…` URLs of this server that keep the request's query and set `page`.
 * - Headers: `content-type: application/json; charset=utf-8`, `x-github-api-version-selected` (2022-11-28 unless
 *   the request names another supported version; an unsupported one is 400), `x-ratelimit-*` (5000 a token,
 *   60 anonymous; counted, not enforced), `x-github-request-id`, `x-github-media-type`, a weak `etag` on GETs
 *   (`If-None-Match` gives 304).
 *
 * - Timing: `setLatency` delays every answer (GitHub's are not instant), and each recorded request has the times
 *   it arrived and was answered, so a test can see how many calls a client had in flight at once.
 *
 * What it leaves out: other endpoints, the `created`/`check_suite_id` filters, repository scoping of tokens
 * (a token reaches every repository here), and whether an issue exists (every number has a comment thread).
 */

/** API versions GitHub serves; the first is what it selects when the request names none. */
const API_VERSIONS = ['2022-11-28', '2026-03-10'];
const DOCS = 'https://docs.github.com/rest';
const RUNS_DOCS = `${DOCS}/actions/workflow-runs`;
const ARTIFACTS_DOCS = `${DOCS}/actions/artifacts`;
const COMMENTS_DOCS = `${DOCS}/issues/comments`;
const USER_DOCS = `${DOCS}/users/users#get-the-authenticated-user`;
const GRAPHQL_DOCS = 'https://docs.github.com/graphql';
/** The longest comment body GitHub takes, in characters. */
export const MAX_COMMENT_LENGTH = 65536;
/** The user GITHUB_TOKEN acts as, with GitHub's real ids. */
export const GITHUB_ACTIONS_BOT: UserSeed = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
const GITHUB_ACTIONS_APP_ID = 15368;
/** Blob storage's x-ms-version on the download answer. */
const STORAGE_VERSION = '2025-11-05';

export interface UserSeed {
  login: string;
  /** Assigned on first sight of the login when absent. */
  id?: number;
  type?: 'User' | 'Bot' | 'Organization';
}

export interface TokenOptions {
  /** `actions` permission: read lists runs and artifacts and downloads artifacts. Default read. */
  actions?: 'none' | 'read';
  /** `pull_requests` permission: read lists comments of a pull request, write creates and edits them. Default write. */
  pullRequests?: 'none' | 'read' | 'write';
  /** Who the token acts as (comments it posts carry this user). Default github-actions[bot]. */
  user?: UserSeed;
  /** installation (GITHUB_TOKEN, a GitHub App's; default) or personal (a PAT): GET /user answers only the latter. */
  kind?: 'installation' | 'personal';
}

/** What GITHUB_TOKEN gets in a workflow run for a pull request from a fork: everything read-only. */
export const READ_ONLY: TokenOptions = { actions: 'read', pullRequests: 'read' };

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'requested' | 'waiting' | 'pending';

export interface WorkflowRunSeed {
  /** The workflow file: `ci.yml` (default) or its path `.github/workflows/ci.yml`. Ids are assigned per file. */
  workflow?: string;
  /** The workflow's `name:`; default the file name without extension. */
  name?: string;
  /** Default `main`. */
  head_branch?: string | null;
  /** Default a random sha. */
  head_sha?: string;
  /** Default `pull_request` when pull_requests are given, else `push`. */
  event?: string;
  /** Default `completed`. */
  status?: RunStatus;
  /** Default `success` for a completed run, null otherwise (a run that is not completed has no conclusion). */
  conclusion?: string | null;
  /** ISO time. Default: one minute after the previous run added to this server, so later runs are newer. */
  created_at?: string;
  /** Default `Commit <sha7>`. */
  display_title?: string;
  /** Login of the user who triggered the run. Default `octocat`. */
  actor?: string;
  /** `owner/repo` the head commit comes from when it is not this repository (a fork's pull request). */
  head_repository?: string;
  /** Numbers of this repository's pull requests the run belongs to. GitHub lists none for a fork's head. */
  pull_requests?: number[];
  /** Default 1. */
  run_attempt?: number;
}

export interface StoredRun {
  id: number;
  /** `owner/repo`. */
  repository: string;
  workflow_id: number;
  /** `.github/workflows/<file>`. */
  path: string;
  name: string;
  run_number: number;
  run_attempt: number;
  head_branch: string | null;
  head_sha: string;
  event: string;
  status: RunStatus;
  conclusion: string | null;
  display_title: string;
  actor: string;
  created_at: string;
  updated_at: string;
  /** `owner/repo` of the head commit: this repository, or a fork. */
  head_repository: string;
  head_repository_id: number;
  pull_requests: number[];
}

export interface StoredArtifact {
  id: number;
  name: string;
  runId: number;
  /** The archive the download serves (and size_in_bytes counts), as upload-artifact v4 stores it. */
  zip: Buffer;
  /** `sha256:<hex>` of the zip. */
  digest: string;
  created_at: string;
  expires_at: string;
  expired: boolean;
}

export interface StoredComment {
  id: number;
  issue_number: number;
  body: string;
  user: Required<UserSeed>;
  author_association: string;
  /** Whether a GitHub App (Actions, for GITHUB_TOKEN) posted it; GitHub names the app in performed_via_github_app. */
  viaActionsApp: boolean;
  created_at: string;
  updated_at: string;
}

export interface ApiRequest {
  method: string;
  /** The path as sent, prefix included, without the query. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** The token the request carried, if any. */
  token: string | undefined;
  /** The request body as text (JSON for POST/PATCH). */
  body: string;
  status: number;
  /** When the request had arrived (its body read) and when it was answered, ms since the epoch. */
  receivedAt: number;
  answeredAt?: number;
}

export interface GitHubApiOptions {
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  /** Serve the API under this path, e.g. `/api/v3` as GitHub Enterprise Server and `act --github-instance` do. */
  pathPrefix?: string;
}

export interface GitHubApi {
  /** Base URL of the API, prefix included, no trailing slash: Octokit's baseUrl, GITHUB_API_URL. */
  url: string;
  /** `http(s)://127.0.0.1:<port>`. */
  origin: string;
  /** Where html_url points: https://github.com, or this server's origin when it has a path prefix (GHES). */
  serverUrl: string;
  /** GITHUB_API_URL and GITHUB_SERVER_URL for this server. */
  env: Record<string, string>;
  requests: ApiRequest[];
  addToken(token: string, options?: TokenOptions): void;
  /** Makes an empty repository (the other add… helpers make theirs on first use); requests to others are 404. */
  addRepository(owner: string, repo: string): { id: number; full_name: string };
  addWorkflowRun(owner: string, repo: string, seed?: WorkflowRunSeed): StoredRun;
  /** Zips `files` (path → content) as the run's artifact `name`. */
  addArtifact(
    owner: string,
    repo: string,
    runId: number,
    name: string,
    files: Record<string, string | Uint8Array>,
    options?: { expired?: boolean },
  ): StoredArtifact;
  /** Seeds a comment, e.g. another bot's; `user` defaults to github-actions[bot]. */
  addComment(owner: string, repo: string, issue: number, body: string, user?: UserSeed): StoredComment;
  /** The comments of an issue or pull request, oldest first (the stored records: edits show up). */
  comments(owner: string, repo: string, issue: number): StoredComment[];
  /**
   * Answers every request (API and blob) this long after it arrived, as GitHub takes a while: what makes the
   * timing of a client's sequential or parallel calls show. 0 (the default) answers at once.
   */
  setLatency(ms: number): void;
  /**
   * Sees each request as it arrives, before it is answered (undefined: none): a test may change what is stored
   * then, as GitHub's state changes between two calls of a client (an artifact expiring between its listing and
   * its download).
   */
  onRequest(hook: ((request: ApiRequest) => void) | undefined): void;
  /** Stops the server; calling it again is harmless. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON as GitHub renders it

interface Urls {
  /** API base, prefix included. */
  api: string;
  /** Web origin for html_url. */
  web: string;
}

interface Repo {
  id: number;
  owner: Required<UserSeed>;
  name: string;
  fullName: string;
  workflows: { id: number; name: string; path: string }[];
  runs: StoredRun[];
  artifacts: StoredArtifact[];
  comments: StoredComment[];
}

type Json = Record<string, unknown>;

/** GitHub's legacy global node id: base64 of `0<length of type>:<type><id>` (e.g. MDQ6VXNlcjE= is 04:User1). */
function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

/** GitHub prints times to the second. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

function userJson(user: Required<UserSeed>, urls: Urls): Json {
  const api = `${urls.api}/users/${encodeURIComponent(user.login)}`;
  const bot = user.type === 'Bot';
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: bot
      ? `https://avatars.githubusercontent.com/in/${GITHUB_ACTIONS_APP_ID}?v=4`
      : `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: bot ? `${urls.web}/apps/${user.login.replace(/\[bot\]$/, '')}` : `${urls.web}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The URL templates of a minimal-repository, relative to the repository's API URL. */
const REPO_URL_TEMPLATES: [string, string][] = [
  ['forks_url', '/forks'],
  ['keys_url', '/keys{/key_id}'],
  ['collaborators_url', '/collaborators{/collaborator}'],
  ['teams_url', '/teams'],
  ['hooks_url', '/hooks'],
  ['issue_events_url', '/issues/events{/number}'],
  ['events_url', '/events'],
  ['assignees_url', '/assignees{/user}'],
  ['branches_url', '/branches{/branch}'],
  ['tags_url', '/tags'],
  ['blobs_url', '/git/blobs{/sha}'],
  ['git_tags_url', '/git/tags{/sha}'],
  ['git_refs_url', '/git/refs{/sha}'],
  ['trees_url', '/git/trees{/sha}'],
  ['statuses_url', '/statuses/{sha}'],
  ['languages_url', '/languages'],
  ['stargazers_url', '/stargazers'],
  ['contributors_url', '/contributors'],
  ['subscribers_url', '/subscribers'],
  ['subscription_url', '/subscription'],
  ['commits_url', '/commits{/sha}'],
  ['git_commits_url', '/git/commits{/sha}'],
  ['comments_url', '/comments{/number}'],
  ['issue_comment_url', '/issues/comments{/number}'],
  ['contents_url', '/contents/{+path}'],
  ['compare_url', '/compare/{base}...{head}'],
  ['merges_url', '/merges'],
  ['archive_url', '/{archive_format}{/ref}'],
  ['downloads_url', '/downloads'],
  ['issues_url', '/issues{/number}'],
  ['pulls_url', '/pulls{/number}'],
  ['milestones_url', '/milestones{/number}'],
  ['notifications_url', '/notifications{?since,all,participating}'],
  ['labels_url', '/labels{/name}'],
  ['releases_url', '/releases{/id}'],
  ['deployments_url', '/deployments'],
];

function repoJson(repo: Repo, urls: Urls): Json {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: true,
    owner: userJson(repo.owner, urls),
    html_url: `${urls.web}/${repo.fullName}`,
    description: null,
    fork: false,
    url: api,
    ...Object.fromEntries(REPO_URL_TEMPLATES.map(([key, suffix]) => [key, api + suffix])),
  };
}

/** The pull-request-minimal entries of a run; GitHub leaves them out when the head is in a fork. */
function runPullRequests(run: StoredRun, repo: Repo, urls: Urls): Json[] {
  if (run.head_repository.toLowerCase() !== repo.fullName.toLowerCase()) return [];
  const repoRef = { id: repo.id, url: `${urls.api}/repos/${repo.fullName}`, name: repo.name };
  return run.pull_requests.map((number) => ({
    url: `${urls.api}/repos/${repo.fullName}/pulls/${number}`,
    id: repo.id * 1000 + number,
    number,
    head: { ref: run.head_branch, sha: run.head_sha, repo: repoRef },
    base: { ref: 'main', sha: fakeSha(`${repo.fullName}#${number}:base`), repo: repoRef },
  }));
}

interface RunParts {
  repo: Repo;
  /** The repository the head commit is in: `repo`, or a fork. */
  headRepo: Repo;
  actor: Required<UserSeed>;
  /** False for exclude_pull_requests=true. */
  withPulls: boolean;
}

function runJson(
  run: StoredRun,
  { repo, headRepo, actor: actorUser, withPulls }: RunParts,
  urls: Urls,
): Json {
  const api = `${urls.api}/repos/${repo.fullName}`;
  const runUrl = `${api}/actions/runs/${run.id}`;
  const checkSuiteId = run.id + 7_000_000_000;
  const actor = userJson(actorUser, urls);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('Workflow Run', run.id),
    check_suite_id: checkSuiteId,
    check_suite_node_id: nodeId('CheckSuite', checkSuiteId),
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: run.path,
    run_number: run.run_number,
    event: run.event,
    display_title: run.display_title,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflow_id,
    url: runUrl,
    html_url: `${urls.web}/${repo.fullName}/actions/runs/${run.id}`,
    pull_requests: withPulls ? runPullRequests(run, repo, urls) : [],
    created_at: run.created_at,
    updated_at: run.updated_at,
    actor,
    run_attempt: run.run_attempt,
    referenced_workflows: [],
    run_started_at: run.created_at,
    triggering_actor: actor,
    jobs_url: `${runUrl}/jobs`,
    logs_url: `${runUrl}/logs`,
    check_suite_url: `${api}/check-suites/${checkSuiteId}`,
    artifacts_url: `${runUrl}/artifacts`,
    cancel_url: `${runUrl}/cancel`,
    rerun_url: `${runUrl}/rerun`,
    previous_attempt_url: run.run_attempt > 1 ? `${runUrl}/attempts/${run.run_attempt - 1}` : null,
    workflow_url: `${api}/actions/workflows/${run.workflow_id}`,
    head_commit: {
      id: run.head_sha,
      tree_id: fakeSha(`${run.head_sha}:tree`),
      message: run.display_title,
      timestamp: run.created_at,
      author: { name: 'Octo Cat', email: 'octocat@github.com' },
      committer: { name: 'GitHub', email: 'noreply@github.com' },
    },
    repository: repoJson(repo, urls),
    head_repository: repoJson(headRepo, urls),
  };
}

function artifactJson(artifact: StoredArtifact, repo: Repo, urls: Urls): Json {
  const url = `${urls.api}/repos/${repo.fullName}/actions/artifacts/${artifact.id}`;
  const run = repo.runs.find((r) => r.id === artifact.runId);
  return {
    id: artifact.id,
    node_id: nodeId('Artifact', artifact.id),
    name: artifact.name,
    size_in_bytes: artifact.zip.length,
    url,
    archive_download_url: `${url}/zip`,
    expired: artifact.expired,
    created_at: artifact.created_at,
    updated_at: artifact.created_at,
    expires_at: artifact.expires_at,
    digest: artifact.digest,
    workflow_run: {
      id: artifact.runId,
      repository_id: repo.id,
      head_repository_id: run?.head_repository_id ?? repo.id,
      head_branch: run?.head_branch ?? null,
      head_sha: run?.head_sha ?? null,
    },
  };
}

/** The GitHub Actions app as performed_via_github_app shows it (required fields of the integration schema). */
function actionsAppJson(urls: Urls): Json {
  return {
    id: GITHUB_ACTIONS_APP_ID,
    slug: 'github-actions',
    node_id: nodeId('App', GITHUB_ACTIONS_APP_ID),
    owner: userJson({ login: 'github', id: 9919, type: 'Organization' }, urls),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${urls.web}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: { actions: 'write', issues: 'write', metadata: 'read', pull_requests: 'write' },
    events: ['pull_request', 'push', 'workflow_run'],
  };
}

function commentJson(comment: StoredComment, repo: Repo, urls: Urls): Json {
  const url = `${urls.api}/repos/${repo.fullName}/issues/comments/${comment.id}`;
  return {
    url,
    html_url: `${urls.web}/${repo.fullName}/pull/${comment.issue_number}#issuecomment-${comment.id}`,
    issue_url: `${urls.api}/repos/${repo.fullName}/issues/${comment.issue_number}`,
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    user: userJson(comment.user, urls),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: comment.author_association,
    body: comment.body,
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    performed_via_github_app: comment.viaActionsApp ? actionsAppJson(urls) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Pagination

interface Page<T> {
  items: T[];
  link: string | undefined;
}

function pageParams(query: URLSearchParams): { perPage: number; page: number } {
  const perPage = Number.parseInt(query.get('per_page') ?? '', 10);
  const page = Number.parseInt(query.get('page') ?? '', 10);
  return {
    perPage: Number.isFinite(perPage) && perPage > 0 ? Math.min(perPage, 100) : 30,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** One page of `all`, and GitHub's Link header (prev, next, last, first) on `linkPath` with the request's query. */
function paginate<T>(all: T[], query: URLSearchParams, linkPath: string): Page<T> {
  const { perPage, page } = pageParams(query);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const to = (n: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(n));
    return `${linkPath}?${q.toString()}`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${to(Math.min(page - 1, last))}>; rel="prev"`);
  if (page < last) rels.push(`<${to(page + 1)}>; rel="next"`, `<${to(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${to(1)}>; rel="first"`);
  return { items, link: rels.length > 0 ? rels.join(', ') : undefined };
}

// ---------------------------------------------------------------------------------------------------------------
// Errors and answers

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly docs: string,
    readonly errors?: Json[],
  ) {
    super(message);
  }
}

/** `{message, errors?, documentation_url, status}`, in GitHub's key order; status is a string. */
function errorAnswer(error: ApiError): Answer {
  const json: Json = { message: error.message };
  if (error.errors) json.errors = error.errors;
  Object.assign(json, { documentation_url: error.docs, status: String(error.status) });
  return { status: error.status, json };
}

const notFound = (docs = DOCS) => new ApiError(404, 'Not Found', docs);

interface Answer {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

interface Token {
  actions: 'none' | 'read';
  pullRequests: 'none' | 'read' | 'write';
  user: Required<UserSeed>;
  kind: 'installation' | 'personal';
  rate: RateLimit;
}

interface RateLimit {
  limit: number;
  used: number;
  reset: number;
}

interface Need {
  scope: 'actions' | 'pull_requests';
  level: 'read' | 'write';
}

interface Context {
  repo: Repo;
  token: Token;
  query: URLSearchParams;
  body: string;
  urls: Urls;
  /** `<api>/repositories/<id><rest of the path>`, where Link headers point. */
  linkPath: string;
  route: Route;
}

interface Route {
  method: string;
  pattern: RegExp;
  docs: string;
  need: Need;
  handle(ctx: Context, params: string[]): Answer;
}

/** x-accepted-github-permissions for a need; comments on a pull request go through the issues API. */
function acceptedPermissions(need: Need): string {
  return need.scope === 'actions'
    ? `actions=${need.level}`
    : `issues=${need.level}; pull_requests=${need.level}`;
}

function allows(token: Token, need: Need): boolean {
  const level = need.scope === 'actions' ? token.actions : token.pullRequests;
  return need.level === 'read' ? level !== 'none' : level === 'write';
}

/** The `body` of a comment request, validated as GitHub does (schema first, then the length rule). */
function commentBody(raw: string, docs: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'Problems parsing JSON', docs);
  }
  const body = (parsed as { body?: unknown } | null)?.body;
  if (body === undefined || body === null) {
    throw new ApiError(422, 'Invalid request.\n\n"body" wasn\'t supplied.', docs);
  }
  if (typeof body !== 'string') {
    throw new ApiError(
      422,
      `Invalid request.\n\nFor 'properties/body', ${JSON.stringify(body)} is not a string.`,
      docs,
    );
  }
  // GitHub counts characters, not UTF-16 units or bytes.
  if ([...body].length > MAX_COMMENT_LENGTH) {
    throw new ApiError(422, 'Validation Failed', docs, [
      {
        resource: 'IssueComment',
        code: 'unprocessable',
        field: 'data',
        message: `Body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`,
      },
    ]);
  }
  return body;
}

/** `status` filters on the run's status when it names one, else on its conclusion (`success`, `failure`, …). */
const RUN_STATUSES = new Set<string>([
  'queued',
  'in_progress',
  'completed',
  'requested',
  'waiting',
  'pending',
]);

function runMatches(run: StoredRun, query: URLSearchParams): boolean {
  const want = (key: string, actual: string | null) => !query.has(key) || query.get(key) === actual;
  const status = query.get('status');
  const statusOk =
    status === null || (RUN_STATUSES.has(status) ? run.status === status : run.conclusion === status);
  return (
    statusOk &&
    want('branch', run.head_branch) &&
    want('event', run.event) &&
    want('head_sha', run.head_sha) &&
    want('actor', run.actor)
  );
}

function newestFirst(a: StoredRun, b: StoredRun): number {
  return Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id;
}

// ---------------------------------------------------------------------------------------------------------------

interface BlobGrant {
  artifact: StoredArtifact;
  expires: number;
}

export async function startGitHubApi(options: GitHubApiOptions = {}): Promise<GitHubApi> {
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  // GitHub Enterprise serves GraphQL at /api/graphql next to /api/v3; Octokit derives it so.
  const graphqlPath = `${prefix.replace(/\/v3$/, '')}/graphql`;
  const repos = new Map<string, Repo>();
  const users = new Map<string, Required<UserSeed>>();
  const tokens = new Map<string, Token>();
  const blobs = new Map<string, BlobGrant>();
  const requests: ApiRequest[] = [];
  const blobSecret = randomBytes(32);
  const anonymous: RateLimit = { limit: 60, used: 0, reset: Math.floor(Date.now() / 1000) + 3600 };
  let origin = '';
  let urls: Urls = { api: '', web: '' };
  let clock = Math.floor(Date.now() / 1000) * 1000 - 7 * 86_400_000;
  const ids = { repo: 700_000_000, workflow: 90_000_000, run: 9_000_000_000, artifact: 2_000_000_000 };
  let nextCommentId = 2_500_000_000;
  let latency = 0;
  let hook: ((request: ApiRequest) => void) | undefined;
  let nextUserId = 100_000;

  const user = (seed: UserSeed): Required<UserSeed> => {
    const known = users.get(seed.login.toLowerCase());
    if (known) return known;
    const created = { login: seed.login, id: seed.id ?? nextUserId++, type: seed.type ?? 'User' };
    users.set(seed.login.toLowerCase(), created);
    return created;
  };

  const repoOf = (owner: string, name: string): Repo => {
    const fullName = `${owner}/${name}`;
    let repo = repos.get(fullName.toLowerCase());
    if (!repo) {
      const ownerUser = user({ login: owner });
      repo = {
        id: ids.repo++,
        owner: ownerUser,
        name,
        fullName,
        workflows: [],
        runs: [],
        artifacts: [],
        comments: [],
      };
      repos.set(fullName.toLowerCase(), repo);
    }
    return repo;
  };

  const repoOfFullName = (fullName: string): Repo => {
    const [owner, name, ...extra] = fullName.split('/');
    if (!owner || !name || extra.length > 0) throw new Error(`not owner/repo: ${fullName}`);
    return repoOf(owner, name);
  };

  const workflowOf = (repo: Repo, file: string, name: string | undefined) => {
    const path = file.includes('/') ? file : `.github/workflows/${file}`;
    let workflow = repo.workflows.find((w) => w.path === path);
    if (!workflow) {
      const base = path.split('/').pop() ?? path;
      workflow = { id: ids.workflow++, name: name ?? base.replace(/\.ya?ml$/, ''), path };
      repo.workflows.push(workflow);
    }
    return workflow;
  };

  const addWorkflowRun = (owner: string, name: string, seed: WorkflowRunSeed = {}): StoredRun => {
    const repo = repoOf(owner, name);
    const workflow = workflowOf(repo, seed.workflow ?? 'ci.yml', seed.name);
    const status = seed.status ?? 'completed';
    if (status !== 'completed' && seed.conclusion) {
      throw new Error(`a ${status} run has no conclusion (got ${seed.conclusion})`);
    }
    const created = seed.created_at === undefined ? (clock += 60_000) : Date.parse(seed.created_at);
    if (Number.isNaN(created)) throw new Error(`created_at is not a time: ${seed.created_at}`);
    const headSha = seed.head_sha ?? randomBytes(20).toString('hex');
    const pulls = seed.pull_requests ?? [];
    const headRepo = seed.head_repository ? repoOfFullName(seed.head_repository) : repo;
    const actor = user({ login: seed.actor ?? 'octocat' });
    const run: StoredRun = {
      id: ids.run++,
      repository: repo.fullName,
      workflow_id: workflow.id,
      path: workflow.path,
      name: workflow.name,
      run_number: repo.runs.filter((r) => r.workflow_id === workflow.id).length + 1,
      run_attempt: seed.run_attempt ?? 1,
      head_branch: seed.head_branch === undefined ? 'main' : seed.head_branch,
      head_sha: headSha,
      event: seed.event ?? (pulls.length > 0 ? 'pull_request' : 'push'),
      status,
      conclusion: seed.conclusion !== undefined ? seed.conclusion : status === 'completed' ? 'success' : null,
      display_title: seed.display_title ?? `Commit ${headSha.slice(0, 7)}`,
      actor: actor.login,
      created_at: isoSeconds(created),
      updated_at: isoSeconds(status === 'completed' ? created + 120_000 : created),
      head_repository: headRepo.fullName,
      head_repository_id: headRepo.id,
      pull_requests: pulls,
    };
    repo.runs.push(run);
    return run;
  };

  const addArtifact: GitHubApi['addArtifact'] = (owner, name, runId, artifactName, files, opts = {}) => {
    const repo = repoOf(owner, name);
    if (!repo.runs.some((r) => r.id === runId)) throw new Error(`${repo.fullName} has no run ${runId}`);
    const entries = Object.fromEntries(
      Object.entries(files).map(([path, content]) => [
        path,
        typeof content === 'string' ? Buffer.from(content) : content,
      ]),
    );
    const zip = Buffer.from(zipSync(entries));
    const now = Math.floor(Date.now() / 1000) * 1000;
    // Expired: made 91 days ago with the default 90-day retention.
    const created = opts.expired ? now - 91 * 86_400_000 : now;
    const artifact: StoredArtifact = {
      id: ids.artifact++,
      name: artifactName,
      runId,
      zip,
      digest: `sha256:${createHash('sha256').update(zip).digest('hex')}`,
      created_at: isoSeconds(created),
      expires_at: isoSeconds(created + 90 * 86_400_000),
      expired: opts.expired ?? false,
    };
    repo.artifacts.push(artifact);
    return artifact;
  };

  const newComment = (repo: Repo, issue: number, body: string, author: Required<UserSeed>): StoredComment => {
    const now = isoSeconds(Date.now());
    const comment: StoredComment = {
      id: nextCommentId++,
      issue_number: issue,
      body,
      user: author,
      author_association: author.login.toLowerCase() === repo.owner.login.toLowerCase() ? 'OWNER' : 'NONE',
      viaActionsApp: author.id === GITHUB_ACTIONS_BOT.id,
      created_at: now,
      updated_at: now,
    };
    repo.comments.push(comment);
    return comment;
  };

  // --- endpoint handlers -------------------------------------------------------------------------------------

  const findRun = (repo: Repo, id: string | undefined, docs: string): StoredRun => {
    const run = repo.runs.find((r) => String(r.id) === id);
    if (!run) throw notFound(docs);
    return run;
  };

  const findArtifact = (repo: Repo, id: string | undefined, docs: string): StoredArtifact => {
    const artifact = repo.artifacts.find((a) => String(a.id) === id);
    if (!artifact) throw notFound(docs);
    return artifact;
  };

  const findComment = (repo: Repo, id: string | undefined, docs: string): StoredComment => {
    const comment = repo.comments.find((c) => String(c.id) === id);
    if (!comment) throw notFound(docs);
    return comment;
  };

  const renderRun = (ctx: Context, run: StoredRun): Json => {
    const parts: RunParts = {
      repo: ctx.repo,
      headRepo: repos.get(run.head_repository.toLowerCase()) ?? ctx.repo,
      actor: user({ login: run.actor }),
      withPulls: ctx.query.get('exclude_pull_requests') !== 'true',
    };
    return runJson(run, parts, ctx.urls);
  };

  const listRuns = (ctx: Context, [workflowId]: string[]): Answer => {
    const id = decodeURIComponent(workflowId ?? '');
    const workflow = ctx.repo.workflows.find((w) =>
      /^\d+$/.test(id) ? String(w.id) === id : w.path.split('/').pop() === id,
    );
    if (!workflow) throw notFound(ctx.route.docs);
    const runs = ctx.repo.runs
      .filter((r) => r.workflow_id === workflow.id && runMatches(r, ctx.query))
      .sort(newestFirst);
    const page = paginate(runs, ctx.query, ctx.linkPath);
    return {
      status: 200,
      json: { total_count: runs.length, workflow_runs: page.items.map((r) => renderRun(ctx, r)) },
      headers: page.link ? { link: page.link } : {},
    };
  };

  const getRun = (ctx: Context, [runId]: string[]): Answer => ({
    status: 200,
    json: renderRun(ctx, findRun(ctx.repo, runId, ctx.route.docs)),
  });

  const listArtifacts = (ctx: Context, [runId]: string[]): Answer => {
    const run = findRun(ctx.repo, runId, ctx.route.docs);
    const name = ctx.query.get('name');
    const asc = ctx.query.get('direction') === 'asc';
    const artifacts = ctx.repo.artifacts
      .filter((a) => a.runId === run.id && (name === null || a.name === name))
      .sort((a, b) => (asc ? a.id - b.id : b.id - a.id));
    const page = paginate(artifacts, ctx.query, ctx.linkPath);
    return {
      status: 200,
      json: {
        total_count: artifacts.length,
        artifacts: page.items.map((a) => artifactJson(a, ctx.repo, ctx.urls)),
      },
      headers: page.link ? { link: page.link } : {},
    };
  };

  const getArtifact = (ctx: Context, [artifactId]: string[]): Answer => ({
    status: 200,
    json: artifactJson(findArtifact(ctx.repo, artifactId, ctx.route.docs), ctx.repo, ctx.urls),
  });

  /** A SAS-like URL for the artifact's zip, valid for one minute, on this server's origin (no prefix). */
  const signBlob = (artifact: StoredArtifact): string => {
    const path = `/blob/actions-results/${randomUUID()}/${fakeSha(`${artifact.id}`)}.zip`;
    const expires = Date.now() + 60_000;
    blobs.set(path, { artifact, expires });
    const se = isoSeconds(expires);
    const query = new URLSearchParams({
      rscd: `attachment; filename="${artifact.name}.zip"`,
      se,
      sig: createHmac('sha256', blobSecret).update(`${path}\n${se}`).digest('base64'),
      sp: 'r',
      spr: 'https',
      sr: 'b',
      sv: STORAGE_VERSION,
    });
    return `${origin}${path}?${query.toString()}`;
  };

  const downloadArtifact = (ctx: Context, [artifactId, format]: string[]): Answer => {
    const artifact = findArtifact(ctx.repo, artifactId, ctx.route.docs);
    if (format !== 'zip') throw notFound(ctx.route.docs);
    if (artifact.expired) throw new ApiError(410, 'Artifact has expired', ctx.route.docs);
    return { status: 302, headers: { location: signBlob(artifact), 'content-length': '0' } };
  };

  const listComments = (ctx: Context, [issue]: string[]): Answer => {
    const all = ctx.repo.comments.filter((c) => String(c.issue_number) === issue).sort((a, b) => a.id - b.id);
    const page = paginate(all, ctx.query, ctx.linkPath);
    return {
      status: 200,
      json: page.items.map((c) => commentJson(c, ctx.repo, ctx.urls)),
      headers: page.link ? { link: page.link } : {},
    };
  };

  const createComment = (ctx: Context, [issue]: string[]): Answer => {
    const body = commentBody(ctx.body, ctx.route.docs);
    const comment = newComment(ctx.repo, Number(issue), body, ctx.token.user);
    const json = commentJson(comment, ctx.repo, ctx.urls);
    return { status: 201, json, headers: { location: String(json.url) } };
  };

  const getComment = (ctx: Context, [commentId]: string[]): Answer => ({
    status: 200,
    json: commentJson(findComment(ctx.repo, commentId, ctx.route.docs), ctx.repo, ctx.urls),
  });

  const updateComment = (ctx: Context, [commentId]: string[]): Answer => {
    const comment = findComment(ctx.repo, commentId, ctx.route.docs);
    comment.body = commentBody(ctx.body, ctx.route.docs);
    comment.updated_at = isoSeconds(Date.now());
    return { status: 200, json: commentJson(comment, ctx.repo, ctx.urls) };
  };

  /** GET /user: a personal token's user; an installation token has none to show. */
  const authenticatedUser = (token: Token | undefined): Answer => {
    if (!token) throw new ApiError(401, 'Requires authentication', USER_DOCS);
    if (token.kind === 'installation')
      throw new ApiError(403, 'Resource not accessible by integration', USER_DOCS);
    return { status: 200, json: userJson(token.user, urls) };
  };

  /** POST /graphql: `{ viewer { … } }` only, answered as GitHub answers it (errors with status 200). */
  const serveGraphql = (req: http.IncomingMessage, body: string) => {
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': requestId(),
      'x-ratelimit-resource': 'graphql',
    };
    const answer = (status: number, json: unknown) => ({
      status,
      headers,
      payload: Buffer.from(JSON.stringify(json)),
    });
    const header = headerString(req.headers.authorization);
    if (header === undefined)
      return answer(401, {
        message: 'This endpoint requires you to be authenticated.',
        documentation_url: GRAPHQL_DOCS,
      });
    const value = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header)?.[1];
    const token = value === undefined ? undefined : tokens.get(value);
    if (!token) return answer(401, { message: 'Bad credentials', documentation_url: GRAPHQL_DOCS });
    const query = String((JSON.parse(body || '{}') as { query?: unknown }).query ?? '');
    const selection = /^\s*(?:query\b[^{]*)?\{\s*viewer\s*\{([^{}]*)\}\s*\}\s*$/.exec(query)?.[1];
    if (selection === undefined) throw new Error(`only { viewer { … } } is served here, not ${query}`);
    const fields: Json = {
      login: token.user.login,
      databaseId: token.user.id,
      id: nodeId(token.user.type, token.user.id),
    };
    const viewer: Json = {};
    for (const field of selection.split(/[\s,]+/).filter(Boolean)) {
      if (!(field in fields))
        return answer(200, {
          errors: [
            {
              path: ['query', 'viewer', field],
              extensions: { code: 'undefinedField', typeName: 'User', fieldName: field },
              locations: [{ line: 1, column: 1 }],
              message: `Field '${field}' doesn't exist on type 'User'`,
            },
          ],
        });
      viewer[field] = fields[field];
    }
    return answer(200, { data: { viewer } });
  };

  const actionsRead: Need = { scope: 'actions', level: 'read' };
  const pullsRead: Need = { scope: 'pull_requests', level: 'read' };
  const pullsWrite: Need = { scope: 'pull_requests', level: 'write' };
  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/actions\/workflows\/([^/]+)\/runs$/,
      docs: `${RUNS_DOCS}#list-workflow-runs-for-a-workflow`,
      need: actionsRead,
      handle: listRuns,
    },
    {
      method: 'GET',
      pattern: /^\/actions\/runs\/(\d+)$/,
      docs: `${RUNS_DOCS}#get-a-workflow-run`,
      need: actionsRead,
      handle: getRun,
    },
    {
      method: 'GET',
      pattern: /^\/actions\/runs\/(\d+)\/artifacts$/,
      docs: `${ARTIFACTS_DOCS}#list-workflow-run-artifacts`,
      need: actionsRead,
      handle: listArtifacts,
    },
    {
      method: 'GET',
      pattern: /^\/actions\/artifacts\/(\d+)$/,
      docs: `${ARTIFACTS_DOCS}#get-an-artifact`,
      need: actionsRead,
      handle: getArtifact,
    },
    {
      method: 'GET',
      pattern: /^\/actions\/artifacts\/(\d+)\/([^/]+)$/,
      docs: `${ARTIFACTS_DOCS}#download-an-artifact`,
      need: actionsRead,
      handle: downloadArtifact,
    },
    {
      method: 'GET',
      pattern: /^\/issues\/(\d+)\/comments$/,
      docs: `${COMMENTS_DOCS}#list-issue-comments`,
      need: pullsRead,
      handle: listComments,
    },
    {
      method: 'POST',
      pattern: /^\/issues\/(\d+)\/comments$/,
      docs: `${COMMENTS_DOCS}#create-an-issue-comment`,
      need: pullsWrite,
      handle: createComment,
    },
    {
      method: 'GET',
      pattern: /^\/issues\/comments\/(\d+)$/,
      docs: `${COMMENTS_DOCS}#get-an-issue-comment`,
      need: pullsRead,
      handle: getComment,
    },
    {
      method: 'PATCH',
      pattern: /^\/issues\/comments\/(\d+)$/,
      docs: `${COMMENTS_DOCS}#update-an-issue-comment`,
      need: pullsWrite,
      handle: updateComment,
    },
  ];

  // --- request plumbing --------------------------------------------------------------------------------------

  /** The token a request carries: undefined for none; throws 401 for one this server does not know. */
  const authenticate = (header: string | undefined): { token: Token; value: string } | undefined => {
    if (header === undefined) return undefined;
    const value = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header)?.[1];
    const token = value === undefined ? undefined : tokens.get(value);
    if (!token || value === undefined) throw new ApiError(401, 'Bad credentials', DOCS);
    return { token, value };
  };

  /** `/repos/{o}/{r}<rest>` or `/repositories/{id}<rest>` → the repository (if stored) and the rest. */
  const locate = (path: string): { repo: Repo | undefined; rest: string } | undefined => {
    const byName = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(path);
    if (byName) {
      const key =
        `${decodeURIComponent(byName[1] ?? '')}/${decodeURIComponent(byName[2] ?? '')}`.toLowerCase();
      return { repo: repos.get(key), rest: byName[3] ?? '' };
    }
    const byId = /^\/repositories\/(\d+)(\/.*)$/.exec(path);
    if (!byId) return undefined;
    return { repo: [...repos.values()].find((r) => String(r.id) === byId[1]), rest: byId[2] ?? '' };
  };

  const selectVersion = (header: string | undefined): string => {
    if (header === undefined) return API_VERSIONS[0] ?? '';
    if (API_VERSIONS.includes(header)) return header;
    const supported = API_VERSIONS.map((v, i) =>
      i === API_VERSIONS.length - 1 ? `"${v}" (most recent)` : `"${v}"`,
    );
    throw new ApiError(
      400,
      `The version you specified in the "X-GitHub-Api-Version" request header, "${header}", is not a supported version. The following versions are currently supported: ${supported.join(', ')}.`,
      DOCS,
    );
  };

  interface Dispatched {
    answer: Answer;
    rate: RateLimit;
    version: string;
    accepted: string | undefined;
  }

  /** The route, its path parameters and the repository for an API path; undefined for an unknown route. */
  const matchRoute = (method: string | undefined, pathname: string) => {
    const located = pathname.startsWith(`${prefix}/`) ? locate(pathname.slice(prefix.length)) : undefined;
    for (const route of located ? routes : []) {
      const m = route.method === method ? route.pattern.exec(located?.rest ?? '') : null;
      if (m && located) return { route, params: m.slice(1), ...located };
    }
    return undefined;
  };

  /** Routes an API request; errors come back as answers in GitHub's error shape. */
  const dispatch = (req: http.IncomingMessage, url: URL, body: string): Dispatched => {
    const d: Dispatched = {
      answer: { status: 0 },
      rate: anonymous,
      version: API_VERSIONS[0] ?? '',
      accepted: undefined,
    };
    try {
      d.version = selectVersion(headerString(req.headers['x-github-api-version']));
      const auth = authenticate(headerString(req.headers.authorization));
      if (auth) d.rate = auth.token.rate;
      if (req.method === 'GET' && url.pathname === `${prefix}/user`) {
        d.answer = authenticatedUser(auth?.token);
        return d;
      }
      const match = matchRoute(req.method, url.pathname);
      if (!match) throw notFound();
      const { route, repo, rest } = match;
      d.accepted = acceptedPermissions(route.need);
      // Anonymous callers cannot see private repositories: GitHub says 404, not 401.
      if (!auth || !repo) throw notFound(route.docs);
      if (!allows(auth.token, route.need)) {
        throw new ApiError(403, 'Resource not accessible by integration', route.docs);
      }
      const linkPath = `${urls.api}/repositories/${repo.id}${rest}`;
      const ctx: Context = { repo, token: auth.token, query: url.searchParams, body, urls, linkPath, route };
      d.answer = route.handle(ctx, match.params);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      d.answer = errorAnswer(error);
    }
    return d;
  };

  /** The headers GitHub puts on every API answer. */
  const commonHeaders = (d: Dispatched): Record<string, string> => {
    const headers: Record<string, string> = {
      server: 'github.com',
      date: new Date().toUTCString(),
      'cache-control': 'private, max-age=60, s-maxage=60',
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With',
      'x-github-api-version-selected': d.version,
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': String(d.rate.limit),
      'x-ratelimit-remaining': String(Math.max(0, d.rate.limit - d.rate.used)),
      'x-ratelimit-reset': String(d.rate.reset),
      'x-ratelimit-used': String(d.rate.used),
      'x-ratelimit-resource': 'core',
      'access-control-expose-headers':
        'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'x-github-request-id': requestId(),
    };
    if (d.accepted) headers['x-accepted-github-permissions'] = d.accepted;
    return headers;
  };

  const serveApi = (req: http.IncomingMessage, url: URL, body: string) => {
    const d = dispatch(req, url, body);
    d.rate.used++;
    const headers = { ...commonHeaders(d), ...d.answer.headers };
    if (d.answer.json === undefined) return { status: d.answer.status, headers };
    const payload = Buffer.from(JSON.stringify(d.answer.json));
    const etag = `W/"${createHash('sha256').update(payload).digest('hex')}"`;
    if (req.method === 'GET' && d.answer.status === 200) {
      headers.etag = etag;
      if (headerString(req.headers['if-none-match']) === etag) {
        d.rate.used--; // a 304 does not count against the rate limit
        return { status: 304, headers: { ...headers, 'x-ratelimit-used': String(d.rate.used) } };
      }
    }
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = String(payload.length);
    return { status: d.answer.status, headers, payload };
  };

  /** Why a blob request is refused, as Azure's AuthenticationErrorDetail says it; undefined when it is not. */
  const blobFailure = (req: http.IncomingMessage, url: URL, grant: BlobGrant | undefined) => {
    const se = url.searchParams.get('se') ?? '';
    const sig = createHmac('sha256', blobSecret).update(`${url.pathname}\n${se}`).digest('base64');
    if (!grant || url.searchParams.get('sig') !== sig) return 'Signature did not match.';
    if (Date.now() > grant.expires) {
      return `Signed expiry time [${new Date(grant.expires).toUTCString()}] must be after signed start time`;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return 'This request is not authorized to perform this operation.';
    }
    return undefined;
  };

  /** GET of a signed blob URL, answered as Azure Blob storage would. */
  const serveBlob = (req: http.IncomingMessage, url: URL) => {
    const common = {
      'x-ms-request-id': randomUUID(),
      'x-ms-version': STORAGE_VERSION,
      date: new Date().toUTCString(),
      server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0',
    };
    const grant = blobs.get(url.pathname);
    const failure = blobFailure(req, url, grant);
    if (failure || !grant) return azureAuthFailure(common, failure ?? '');
    const zip = grant.artifact.zip;
    const headers = {
      ...common,
      'content-type': 'application/zip',
      'content-length': String(zip.length),
      'content-md5': createHash('md5').update(zip).digest('base64'),
      'content-disposition': url.searchParams.get('rscd') ?? 'attachment',
      'last-modified': new Date(grant.artifact.created_at).toUTCString(),
      etag: `"0x8D${createHash('sha256').update(zip).digest('hex').slice(0, 13).toUpperCase()}"`,
      'accept-ranges': 'bytes',
      'x-ms-blob-type': 'BlockBlob',
    };
    return { status: 200, headers, payload: req.method === 'GET' ? zip : undefined };
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', origin);
      const record: ApiRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        token: /^(?:token|bearer)\s+(\S+)/i.exec(headerString(req.headers.authorization) ?? '')?.[1],
        body,
        status: 0,
        receivedAt: Date.now(),
      };
      requests.push(record);
      hook?.(record);
      let answer: { status: number; headers: Record<string, string>; payload?: Buffer };
      try {
        if (url.pathname.startsWith('/blob/')) answer = serveBlob(req, url);
        else if (url.pathname === graphqlPath && req.method === 'POST') answer = serveGraphql(req, body);
        else answer = serveApi(req, url, body);
      } catch (error) {
        // A bug in the stand-in: 418 is retried by no client, so the test fails at once with the reason.
        const payload = Buffer.from(JSON.stringify({ message: `stand-in bug: ${String(error)}` }));
        answer = { status: 418, headers: { 'content-type': 'application/json; charset=utf-8' }, payload };
      }
      record.status = answer.status;
      const send = () => {
        record.answeredAt = Date.now();
        res.writeHead(answer.status, answer.headers);
        res.end(answer.payload);
      };
      if (latency) setTimeout(send, latency);
      else send();
    });
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // GitHub Enterprise serves the web UI on the API's host; github.com's API lives on its own host.
  const serverUrl = prefix ? origin : 'https://github.com';
  urls = { api: `${origin}${prefix}`, web: serverUrl };
  let closing: Promise<void> | undefined;

  return {
    url: urls.api,
    origin,
    serverUrl,
    env: { GITHUB_API_URL: urls.api, GITHUB_SERVER_URL: serverUrl },
    requests,
    addToken: (token, opts = {}) => {
      tokens.set(token, {
        actions: opts.actions ?? 'read',
        pullRequests: opts.pullRequests ?? 'write',
        user: user(opts.user ?? GITHUB_ACTIONS_BOT),
        kind: opts.kind ?? 'installation',
        rate: { limit: 5000, used: 0, reset: Math.floor(Date.now() / 1000) + 3600 },
      });
    },
    addRepository: (owner, name) => {
      const repo = repoOf(owner, name);
      return { id: repo.id, full_name: repo.fullName };
    },
    addWorkflowRun,
    addArtifact,
    addComment: (owner, name, issue, body, author = GITHUB_ACTIONS_BOT) =>
      newComment(repoOf(owner, name), issue, body, user(author)),
    comments: (owner, name, issue) =>
      (repos.get(`${owner}/${name}`.toLowerCase())?.comments ?? [])
        .filter((c) => c.issue_number === issue)
        .sort((a, b) => a.id - b.id),
    setLatency: (ms) => (latency = ms),
    onRequest: (h) => (hook = h),
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Azure Blob's 403 for a SAS it does not accept. */
function azureAuthFailure(common: Record<string, string>, detail: string) {
  const payload = Buffer.from(
    `\ufeff<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.\nRequestId:${common['x-ms-request-id']}\nTime:${new Date().toISOString()}</Message><AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail></Error>`,
  );
  const headers = {
    ...common,
    'x-ms-error-code': 'AuthenticationFailed',
    'content-type': 'application/xml',
    'content-length': String(payload.length),
  };
  return { status: 403, headers, payload };
}

/** `XXXX:XXXXXX:XXXXXXX:XXXXXXX:XXXXXXXX`, the shape of GitHub's request ids. */
function requestId(): string {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();
  return [hex(2), hex(3).slice(1), hex(4).slice(1), hex(4).slice(1), hex(4)].join(':');
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
