import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { addToken } from '../../src/server/auth.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';
import { startServer } from '../../src/server/server.js';
import { silentLogger } from '../../src/util/log.js';
import { startGitHubApi, type GitHubApi } from '../helpers/github-api.js';
import { captured } from '../helpers/stdout.js';

/**
 * Issue 23: the Action reads and checks every input before it writes or downloads anything. Its real main(), as
 * the runner starts it: inputs as INPUT_* variables, file commands (GITHUB_STATE, GITHUB_OUTPUT, the job summary),
 * a pull request's event, `baseline: auto` against the local stand-in of GitHub's REST API (the baseline's
 * history, downloaded through @actions/artifact's findBy), TLS material as PEM inputs. @actions/github takes its
 * API URL when first loaded: the stand-in starts before main is imported.
 */
type Main = (typeof import('../../src/action/main.js'))['main'];

const TOKEN = 'ghs_settings000000000000000000000000000';
const root = mkdtempSync(path.join(os.tmpdir(), 'atq-action-settings-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: root, stdio: 'pipe' });
// A self-signed client pair, its certificate as its own CA: real PEM the connection accepts.
openssl(
  'req',
  '-x509',
  ...['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
  ...['-keyout', 'key.pem', '-out', 'cert.pem', '-subj', '/CN=client', '-days', '1'],
);
const pem = (f: string) => readFileSync(path.join(root, f), 'utf8');

let gh: GitHubApi;
let main: Main;
const savedEnv = { ...process.env };

beforeAll(async () => {
  gh = await startGitHubApi();
  gh.addToken(TOKEN, { actions: 'read', pullRequests: 'write' });
  process.env.GITHUB_API_URL = gh.url;
  main = (await import('../../src/action/main.js')).main;
});
afterAll(async () => {
  process.env = savedEnv;
  await gh?.close();
  rmSync(root, { recursive: true, force: true });
});

let count = 0;
interface Step {
  dir: string;
  /** RUNNER_TEMP: where the TLS files and the baseline's download go. */
  temp: string;
  stateFile: string;
  summaryFile: string;
  /** The repository's earlier run whose summary artifact is the baseline. */
  baselineRunId: number;
}

/**
 * A fresh step of pull request #7 into main of a repository of its own, whose base branch has a successful run
 * with a summary artifact; `inputs` by name. Everything else of the environment is cleared of INPUT_*.
 */
function step(inputs: Record<string, string>): Step {
  const dir = mkdtempSync(path.join(root, 'step-'));
  const repo = `shop-${++count}`;
  const run = gh.addWorkflowRun('acme', repo, { head_branch: 'main' });
  const summary = { schemaVersion: 2, run: { runId: 'base', plan: 'basic.jmx' }, totals: {}, labels: [] };
  gh.addArtifact('acme', repo, run.id, 'atq-results-summary', { 'summary.json': JSON.stringify(summary) });
  const files = { temp: 'temp', workspace: 'workspace' };
  for (const f of Object.values(files)) mkdirSync(path.join(dir, f));
  const event = path.join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      pull_request: {
        number: 7,
        base: { ref: 'main' },
        head: { sha: 'a'.repeat(40), repo: { full_name: `acme/${repo}` } },
      },
    }),
  );
  const s: Step = {
    dir,
    temp: path.join(dir, files.temp),
    stateFile: path.join(dir, 'state.txt'),
    summaryFile: path.join(dir, 'summary.md'),
    baselineRunId: run.id,
  };
  for (const f of [s.stateFile, s.summaryFile, path.join(dir, 'output.txt')]) writeFileSync(f, '');
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  for (const k of ['DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'ATQ_TOKEN', 'ATQ_SERVER'])
    delete process.env[k];
  Object.assign(process.env, {
    RUNNER_TEMP: s.temp,
    GITHUB_STATE: s.stateFile,
    GITHUB_OUTPUT: path.join(dir, 'output.txt'),
    GITHUB_STEP_SUMMARY: s.summaryFile,
    GITHUB_WORKSPACE: path.join(dir, files.workspace),
    GITHUB_REPOSITORY: `acme/${repo}`,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_WORKFLOW_REF: `acme/${repo}/.github/workflows/ci.yml@refs/pull/7/merge`,
    GITHUB_RUN_ID: '999999',
    GITHUB_JOB: 'load',
  });
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  return s;
}

/** The TLS inputs and a baseline to download: what must wait until every input is known good. */
const sideEffects = () => ({
  'docker-tls-ca': pem('cert.pem'),
  'docker-tls-cert': pem('cert.pem'),
  'docker-tls-key': pem('key.pem'),
  baseline: 'auto',
  'github-token': TOKEN,
  criteria: 'p95 <= baseline+10%',
  'upload-artifact': 'false',
});

/** main() as the runner starts it; its log, and the error it reported (its ::error:: line). */
async function runMain(): Promise<{ output: string; error: string }> {
  try {
    const { output } = await captured(() => main());
    const error = /^::error::(.*)$/m.exec(output)?.[1] ?? '';
    return { output, error: error.replace(/%0A/g, '\n').replace(/%25/g, '%') };
  } finally {
    // setFailed marked the process failed; this test process is not the one that failed.
    process.exitCode = 0;
  }
}

/** Nothing was written, downloaded or left for the post step. */
function expectUntouched(s: Step, requestsBefore: number): void {
  expect(readdirSync(s.temp)).toEqual([]);
  expect(gh.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  expect(readFileSync(s.stateFile, 'utf8')).toBe('');
}

describe('the Action checks every input before it writes or downloads anything', () => {
  test('bad inputs with TLS inputs and baseline: auto: every problem at once; no TLS file, no download, no state', async () => {
    const s = step({
      ...sideEffects(),
      workers: '0',
      properties: 'nokey',
      'retention-days': '100',
      'fail-on-gates': 'maybe',
    });
    const before = gh.requests.length;
    const { error } = await runMain();
    expect(error).toMatch(/^\[CONFIG_INVALID\] /);
    for (const problem of [
      'input workers: 0 is out of range; use 1 to 500',
      'input properties: "nokey" is not KEY=VALUE',
      'input retention-days: "100" is not a whole number of days from 1 to 90',
      'input fail-on-gates: "maybe" is not true or false',
    ])
      expect(error).toContain(problem);
    expectUntouched(s, before);
  });

  test.each([
    [
      'baseline: auto:main without a server',
      { baseline: 'auto:main' },
      'baseline: auto is the history of earlier runs an ATQ server keeps',
    ],
    [
      'baseline: auto on a push (no pull request, no history to look up) with baseline-missing: fail',
      { 'baseline-missing': 'fail', GITHUB_EVENT_NAME: 'push' },
      'baseline: auto: a push event looks up no baseline',
    ],
  ])('%s: refused before anything is written', async (_name, change, message) => {
    const { GITHUB_EVENT_NAME: event, ...inputs } = change as Record<string, string>;
    const s = step({ ...sideEffects(), 'docker-host': 'tcp://127.0.0.1:9', ...inputs });
    if (event) process.env.GITHUB_EVENT_NAME = event;
    const before = gh.requests.length;
    const { error } = await runMain();
    expect(error).toMatch(/^\[CONFIG_INVALID\] /);
    expect(error).toContain(message);
    expectUntouched(s, before);
  });
});

describe('a good run still does each, in order', () => {
  /** What the step had written when something happened: the TLS folder's files, the state's names. */
  interface Seen {
    tlsFiles: string[];
    baseline: string[];
    state: string[];
  }
  const seen = (s: Step): Seen => {
    const under = (prefix: string) => readdirSync(s.temp).filter((f) => f.startsWith(prefix));
    const files = (prefix: string) => under(prefix).flatMap((d) => readdirSync(path.join(s.temp, d)).sort());
    const state = readFileSync(s.stateFile, 'utf8');
    return {
      tlsFiles: files('atq-tls-'),
      baseline: files('atq-baseline-'),
      state: [...state.matchAll(/^([\w-]+)<</gm)].map((m) => m[1] as string),
    };
  };

  test('TLS files, then the baseline download, then the state for post, then the run', async () => {
    // The "engine": a TCP port that notes what the step had written when the run connected, then hangs up.
    let atConnect: Seen | undefined;
    let s: Step | undefined;
    const engine = net.createServer((socket) => {
      atConnect ??= seen(s as Step);
      socket.destroy();
    });
    await new Promise<void>((resolve) => engine.listen(0, '127.0.0.1', resolve));
    const port = (engine.address() as net.AddressInfo).port;
    let atDownload: Seen | undefined;
    try {
      s = step({
        ...sideEffects(),
        'docker-host': `tcp://127.0.0.1:${port}`,
        'test-dir': 'plans',
        workers: '1',
        'comment-on-pr': 'false',
      });
      const plans = path.join(s.dir, 'workspace', 'plans');
      mkdirSync(plans);
      copyFileSync('test/fixtures/plans/http/basic.jmx', path.join(plans, 'basic.jmx'));
      gh.onRequest((r) => {
        if (r.path.startsWith('/blob/')) atDownload ??= seen(s as Step);
      });
      const { output } = await runMain();
      expect(output).toContain(`the newest: run ${s.baselineRunId}`);
      // (The download's own folder may exist by then: the artifact client makes it before it fetches.)
      expect(atDownload).toMatchObject({ tlsFiles: ['ca.pem', 'cert.pem', 'key.pem'], state: ['tls-dir'] });
      expect(atConnect).toEqual({
        tlsFiles: ['ca.pem', 'cert.pem', 'key.pem'],
        baseline: [String(s.baselineRunId)],
        state: ['tls-dir', 'run-id', 'docker'],
      });
      // The files hold the inputs' text, readable by this user alone.
      const tls = readdirSync(s.temp).find((f) => f.startsWith('atq-tls-')) as string;
      expect(readFileSync(path.join(s.temp, tls, 'key.pem'), 'utf8')).toBe(pem('key.pem').trim() + '\n');
      expect(statSync(path.join(s.temp, tls, 'key.pem')).mode & 0o777).toBe(0o600);
    } finally {
      gh.onRequest(undefined);
      await new Promise((resolve) => engine.close(resolve));
    }
  });
});

describe('advice names what the Action takes, not the CLI', () => {
  test('a token atq serve refuses: check the server-token input (not --token)', async () => {
    const dir = mkdtempSync(path.join(root, 'serve-'));
    const tokens = path.join(dir, 'tokens');
    await addToken(tokens, 'ci');
    const server = await startServer(
      {
        ...SERVER_DEFAULTS,
        port: 0,
        dataDir: path.join(dir, 'data'),
        docker: { host: 'tcp://127.0.0.1:9', insecurePlaintext: true },
        tokensFile: tokens,
      },
      silentLogger,
      'test',
    );
    try {
      const s = step({
        server: server.url,
        'server-token': 'atq_not-the-one-it-gave-out',
        'test-dir': 'plans',
        'comment-on-pr': 'false',
        'upload-artifact': 'false',
      });
      const plans = path.join(s.dir, 'workspace', 'plans');
      mkdirSync(plans);
      copyFileSync('test/fixtures/plans/http/basic.jmx', path.join(plans, 'basic.jmx'));
      const { error } = await runMain();
      expect(error).toContain(`The ATQ server at ${server.url} refused the token`);
      expect(error).toContain('check the server-token input (or ATQ_TOKEN)');
      expect(error).not.toContain('--token');
    } finally {
      await server.close();
    }
  });
});
