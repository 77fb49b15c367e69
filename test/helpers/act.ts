/**
 * Runs a GitHub Actions workflow on this machine with act (nektos/act v0.2.89) in host mode, for tests of
 * the action front. Tools come from test/env/fronts.sh (ATQ_TEST_ACT, ATQ_TEST_NODE24_BIN).
 *
 * What a run does:
 * - copies the repository folder as a checkout would have it into a temp git repo (default: the working
 *   tree's tracked files plus untracked, not ignored ones, i.e. what `git add -A` would commit, plus all of
 *   dist/; or `files`), writes `workflow` to .github/workflows/test.yml and commits;
 * - runs `act <event> -P ubuntu-latest=-self-hosted --json -W .github/workflows/test.yml` there, with Node 24
 *   first on PATH, a private --action-cache-path (the job's workspace, RUNNER_TEMP and tool cache live
 *   there, so parallel runs don't collide), --no-cache-server, ACT_DISABLE_VERSION_CHECK=1 (else act looks
 *   up api.nektosact.com for notices), and explicit secret/var/input/env files
 *   (JSON written as .yml, which act reads as YAML: values may hold newlines, quotes, anything);
 * - parses act's --json log (one JSON object per line on stdout) into steps, outputs, summary and
 *   annotations.
 *
 * The workflow must begin with `- uses: actions/checkout@v4`: the host-mode workspace starts empty, and act
 * replaces a local checkout (no `repository:`/`ref:` given) by a copy of the temp repo (no network, honours
 * .gitignore, includes .git). Then `- uses: ./` runs the action from that copy. Remote actions other than
 * actions/checkout would need the network and fail here.
 *
 * Retrieving results (measured with act v0.2.89, 2026-11-25): act processes GITHUB_OUTPUT, GITHUB_STATE and
 * GITHUB_STEP_SUMMARY after every step (pre, main, post) and logs them; with --json each log entry is an
 * object with `stepID: [id]` and `stage: "Main"|"Post"|"Pre"`:
 * - outputs: `{"command":"set-output","name":N,"arg":VALUE}` per output (multi-line values intact, also
 *   after a failed step). Reliable; no extra echo step needed.
 * - summary: `{"command":"summary","content":MARKDOWN}` per step whose summary file was non-empty (act
 *   truncates the file before each step, as the runner does). The job summary GitHub shows is these parts
 *   in step order, post steps included: `summary` joins them; `summaries` keeps them apart.
 * - annotations: `{"command":"error"|"warning"|"notice","kvPairs":{"title":…,"file":…},"arg":MESSAGE}`.
 * - step results: `{"stepResult":"success"|"failure","executionTime":NS}` on the step's last line;
 *   continue-on-error adds the message "Failed but continue next step" (the outcome stays "failure", the
 *   conclusion is success). Skipped steps log nothing at this level: they are absent from `steps`.
 * - job: `{"jobResult":"success"|"failure"}`; act exits 1 when the job failed.
 * - raw step output: `{"raw_output":true,"msg":LINE}`. Steps run on a pty (act's host mode): inside the action
 *   process.stdout.isTTY is true (on GitHub it is a pipe), so Node colours console.log's values unless colours
 *   are off: the harness sets NO_COLOR=1 unless the test's env says otherwise. Stdin is the pty, to which act
 *   writes a 0x04 byte every second.
 * - masking: act masks secrets (and ::add-mask:: values) in each entry's `msg` only, so `log` is masked but
 *   `outputs`, `summary` and annotations hold the values as written. Lines of a multi-line secret are not
 *   masked one by one: the output of a step that prints such a secret shows it in `log`.
 * - GITHUB_STATE → post: the post step gets STATE_<name> as on GitHub. Post steps run (post-if `always()`)
 *   after failures and after a cancel.
 *
 * Cancellation (measured): act handles SIGINT and SIGTERM itself and never forwards a signal to a step.
 * - SIGINT to act: the job becomes cancelled (`job.status` is "cancelled"), the running step's `if` is
 *   evaluated again; with the default `success()` act SIGKILLs the step process at once (exec.CommandContext;
 *   the action's handlers do not run; its process group dies with it through the pty's SIGHUP), with
 *   `if: always()` (or `cancelled()`) the step keeps running. Then later `if: always()` steps run, the post
 *   steps run with their state, and act exits 1 ("Job failed"; the step's conclusion is failure, not
 *   cancelled as on GitHub). A second SIGINT, or SIGTERM: steps are killed the same way; post steps still
 *   run (act gives them a fresh 5-minute context).
 * - SIGKILL to act: the pty closes, so the step process (a session leader with the pty as controlling
 *   terminal) and its process group get SIGHUP; no post step runs.
 * - A signal sent to the step's node process itself (act's direct child, its own session/process group):
 *   the action handles it as on GitHub; when it exits non-zero the step fails, later steps are skipped
 *   (unless `if: always()`), and the post step runs with its state.
 * GitHub's runner on cancel sends SIGINT to the step process, SIGTERM 7.5 s later, then kills it 2.5 s after
 * that, and runs post steps. `ActRunControl.cancel()` does the same to act's step processes and sends SIGINT
 * to act so the job is marked cancelled; for the action to see the SIGINT rather than act's SIGKILL, give
 * its step `if: always()` in the test workflow, or call `cancel({ job: false })` (step signals only: the job
 * then fails instead of being cancelled).
 *
 * Processes: the harness watches act's process tree while it runs; when act has exited, any process that was
 * in it and is still alive (e.g. something the action detached) is killed, as GitHub's runner cleans up
 * orphan processes at job end, and is listed in `leftovers`. On timeout (`timedOut` in the result) the step
 * processes get SIGINT, SIGTERM 7.5 s later and SIGKILL 2.5 s after that (so the action can clean up even
 * without `if: always()`), act gets SIGINT after 12 s (later steps skipped, post steps run), and if act has
 * not exited after 40 s the harness SIGKILLs act and every process in its tree.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type ActEvent = 'push' | 'pull_request' | 'workflow_dispatch';

export interface ActRunOptions {
  /** The repository folder to copy (e.g. the project root). */
  repoDir: string;
  /** The workflow's YAML text, written to .github/workflows/test.yml. Start its steps with actions/checkout@v4. */
  workflow: string;
  /** Default 'push'. */
  event?: ActEvent;
  /** The event payload (act's -e). Default for pull_request: PR #1 from `feature` into `main`. */
  eventPayload?: Record<string, unknown>;
  /** Extra environment for the job (act's --env), on top of this process's environment less `cleanEnv`'s drops. */
  env?: Record<string, string>;
  /** `secrets.X` (any content, multi-line too). */
  secrets?: Record<string, string>;
  /** `vars.X`. */
  vars?: Record<string, string>;
  /** workflow_dispatch inputs (`inputs.X`, `github.event.inputs.X`). Action inputs go in the workflow's `with:`. */
  inputs?: Record<string, string>;
  /** Files to copy, relative to repoDir; default: tracked + untracked-not-ignored files, plus dist/. */
  files?: string[];
  /** owner/name for github.repository (from the temp repo's origin URL). Default 'atq-test/run-load-test'. */
  repository?: string;
  /** After this long the run is cancelled (see the file's comment), and killed 40 s later. Default 240 s. */
  timeoutMs?: number;
  /** Sees the readable log so far whenever act writes, and may act on the run (e.g. `run.cancel()`). */
  onOutput?: (soFar: string, child: ChildProcess, run: ActRunControl) => void;
  /** Keep the temp folder (also with ATQ_TEST_KEEP_ACT=1); its path is in the result. */
  keep?: boolean;
}

export interface ActStep {
  /** The step's id (`id:` or act's index, e.g. "0"); nested composite steps join with '/'. */
  id: string;
  /** act's name for the step, e.g. "./" or the run: script. */
  name: string;
  stage: 'Pre' | 'Main' | 'Post';
  /** act's outcome; undefined if the run ended before the step finished. */
  result?: 'success' | 'failure';
  /** continue-on-error turned a failure into success for the job. */
  continuedOnError: boolean;
  durationMs?: number;
  /** The step's raw output lines, joined with '\n' (workflow commands such as ::error:: are not in it). */
  output: string;
  /** act's error messages for the step, e.g. "exit status 1" or "this step has been cancelled: signal: killed". */
  errors: string[];
  outputs: Record<string, string>;
  /** This step's part of the job summary ('' if none). */
  summary: string;
}

export interface ActAnnotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  file?: string;
  line?: string;
  endLine?: string;
  col?: string;
  endColumn?: string;
  /** All key=value properties as act parsed them. */
  properties: Record<string, string>;
  stepId: string;
  stage: string;
}

export interface ActRunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** act's stdout: its JSON log, one object per line. */
  stdout: string;
  /** act's stderr: its own messages (e.g. "Error: Job 't' failed"). */
  stderr: string;
  /** Readable log: act's messages, step output lines prefixed with "  | ". */
  log: string;
  /** act's parsed log entries, in order. */
  entries: Record<string, unknown>[];
  /** Steps that ran, in order of their start (pre, main and post stages are separate entries). */
  steps: ActStep[];
  /** Outputs by step id (what `steps.<id>.outputs` holds). */
  outputs: Record<string, Record<string, string>>;
  /** The job summary markdown: every step's part in order. */
  summary: string;
  summaries: { stepId: string; stage: string; content: string }[];
  annotations: ActAnnotation[];
  jobResult?: 'success' | 'failure';
  /** Processes of act's tree still alive after act exited; the harness killed them. */
  leftovers: { pid: number; cmd: string }[];
  /** The temp folder (removed unless `keep`). */
  tempDir: string;
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot (tells a pid apart from a later reuse). */
  start: number;
  cmd: string;
}

export interface ActRunControl {
  readonly child: ChildProcess;
  /** act's descendants now. */
  processes(): ProcInfo[];
  /** The processes act started for steps (its direct children): `node …/main.js` for a JS action. */
  stepProcesses(): ProcInfo[];
  /** Sends a signal to the step processes whose command line matches (default: all). Returns their pids. */
  signalSteps(signal?: NodeJS.Signals, match?: RegExp): number[];
  /**
   * Cancels as GitHub's runner does: SIGINT to act (job cancelled; unless `job: false`) and to the step
   * processes, SIGTERM to those still alive after `sigtermAfterMs` (7.5 s), SIGKILL `killAfterMs` (2.5 s) later.
   */
  cancel(opts?: { job?: boolean; sigtermAfterMs?: number; killAfterMs?: number }): void;
}

/** After a timeout: when act gets SIGINT (steps got theirs at once), and when its process tree is killed. */
const CANCEL_JOB_AFTER_MS = 12_000;
const HARD_KILL_AFTER_MS = 40_000;

/** The tools from test/env/fronts.sh. */
export function actTools(): { act: string; node24Bin: string } {
  const act = process.env.ATQ_TEST_ACT;
  const node24Bin = process.env.ATQ_TEST_NODE24_BIN;
  if (!act || !node24Bin)
    throw new Error('ATQ_TEST_ACT / ATQ_TEST_NODE24_BIN are not set: eval "$(test/env/fronts.sh)" first');
  return { act, node24Bin };
}

/**
 * This process's environment without what would confuse a job. act hands its whole environment to every
 * step, so without this the action would see: the test runner's own variables; runner variables (GITHUB_*,
 * RUNNER_*, ACTIONS_*, INPUT_*, STATE_*) if the tests run inside a job; and the test swarm's DOCKER_HOST,
 * DOCKER_CERT_PATH, DOCKER_TLS_VERIFY from test/env/up.sh, which the action falls back to (a GitHub-hosted
 * runner has none): a test that wants them passes them in `env`. Beware: when the job has no DOCKER_HOST, act
 * looks for a local socket and exports DOCKER_HOST=unix:///var/run/docker.sock to every step (what the action
 * falls back to anyway, as on a GitHub-hosted runner, which has the socket). So a test that must not reach the
 * local engine sets `docker-host:` or DOCKER_HOST (e.g. tcp://127.0.0.1:9 for a refused connection).
 */
export function cleanEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const drop = /^(GITHUB_|RUNNER_|ACTIONS_|INPUT_|STATE_|JEST_|npm_|DOCKER_)/;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && !drop.test(k) && !['NODE_OPTIONS', 'NODE_ENV', 'CI'].includes(k)) out[k] = v;
  return out;
}

/** The files a checkout of repoDir would have after `git add -A`, plus everything under dist/. */
export function checkoutFiles(repoDir: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoDir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter(Boolean);
  const files = new Set(listed.filter((f) => fs.existsSync(path.join(repoDir, f)))); // not deleted
  const dist = path.join(repoDir, 'dist');
  if (fs.existsSync(dist))
    for (const f of fs.readdirSync(dist, { recursive: true, encoding: 'utf8' }))
      if (fs.statSync(path.join(dist, f)).isFile()) files.add(path.join('dist', f));
  return [...files].sort();
}

/** The descendants of rootPid, read from /proc. */
export function processTree(rootPid: number): ProcInfo[] {
  const byParent = new Map<number, ProcInfo[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (!info) continue;
    const list = byParent.get(info.ppid) ?? [];
    list.push(info);
    byParent.set(info.ppid, list);
  }
  const out: ProcInfo[] = [];
  const walk = (pid: number) => {
    for (const p of byParent.get(pid) ?? []) {
      out.push(p);
      walk(p.pid);
    }
  };
  walk(rootPid);
  return out;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state ppid pgrp session … starttime is field 22 overall, 20th after comm.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return undefined; // a zombie is already dead
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, ppid: Number(f[1]), start: Number(f[19]), cmd };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Signals a process if it is still the one we saw (same start time). */
function signalIfSame(p: ProcInfo, signal: NodeJS.Signals): boolean {
  const now = readProc(p.pid);
  if (!now || now.start !== p.start) return false;
  try {
    process.kill(p.pid, signal);
    return true;
  } catch {
    return false;
  }
}

function defaultPullRequestPayload(repository: string): Record<string, unknown> {
  const [owner, name] = repository.split('/');
  const repo = { name, full_name: repository, owner: { login: owner }, default_branch: 'main' };
  return {
    action: 'synchronize',
    number: 1,
    pull_request: {
      number: 1,
      title: 'test',
      head: { ref: 'feature', repo },
      base: { ref: 'main', repo },
    },
    repository: repo,
  };
}

/** JSON as YAML (act reads .yml secret/var/input/env files as YAML), so values may be anything. */
function writeYamlMap(file: string, map: Record<string, string> | undefined): string {
  fs.writeFileSync(file, `${JSON.stringify(map ?? {})}\n`, { mode: 0o600 });
  return file;
}

export function runWorkflow(opts: ActRunOptions): Promise<ActRunResult> {
  const { act, node24Bin } = actTools();
  const event = opts.event ?? 'push';
  const repository = opts.repository ?? 'atq-test/run-load-test';
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atq-act-'));
  const repo = path.join(tempDir, 'repo');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=atq-test', '-c', 'user.email=atq-test@localhost', ...args], {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'pipe'],
    });

  // The checkout: files as the working tree has them, in a fresh one-commit repo.
  fs.mkdirSync(repo);
  for (const f of opts.files ?? checkoutFiles(opts.repoDir)) {
    const dst = path.join(repo, f);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.cpSync(path.join(opts.repoDir, f), dst, { verbatimSymlinks: true });
  }
  fs.mkdirSync(path.join(repo, '.github/workflows'), { recursive: true });
  fs.writeFileSync(path.join(repo, '.github/workflows/test.yml'), opts.workflow);
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', `https://github.com/${repository}.git`);
  git('add', '-A');
  git('-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-m', 'test');

  const args = [
    event,
    '-W',
    '.github/workflows/test.yml',
    '-P',
    'ubuntu-latest=-self-hosted',
    '--json',
    '--action-cache-path',
    path.join(tempDir, 'cache'),
    '--no-cache-server',
    '--secret-file',
    writeYamlMap(path.join(tempDir, 'secrets.yml'), opts.secrets),
    '--var-file',
    writeYamlMap(path.join(tempDir, 'vars.yml'), opts.vars),
    '--input-file',
    writeYamlMap(path.join(tempDir, 'inputs.yml'), opts.inputs),
    '--env-file',
    writeYamlMap(path.join(tempDir, 'env.yml'), {}),
  ];
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('--env', `${k}=${v}`);
  const payload =
    opts.eventPayload ?? (event === 'pull_request' ? defaultPullRequestPayload(repository) : undefined);
  if (payload) {
    const file = path.join(tempDir, 'event.json');
    fs.writeFileSync(file, JSON.stringify(payload));
    args.push('-e', file);
  }

  const base = cleanEnv();
  const env: Record<string, string> = {
    NO_COLOR: '1',
    ...base,
    PATH: `${node24Bin}${path.delimiter}${base.PATH ?? ''}`,
    // Else act asks api.nektosact.com for notices on every run (this machine has no such network).
    ACT_DISABLE_VERSION_CHECK: '1',
  };

  return new Promise((resolve, reject) => {
    const child = spawn(act, args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const parser = new LogParser();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const seen = new Map<number, ProcInfo>();
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));

    const track = () => {
      if (child.pid === undefined || child.exitCode !== null) return [];
      const tree = processTree(child.pid);
      for (const p of tree) seen.set(p.pid, p);
      return tree;
    };
    const watcher = setInterval(track, 500);

    const control: ActRunControl = {
      child,
      processes: () => track(),
      stepProcesses: () => track().filter((p) => p.ppid === child.pid),
      signalSteps(signal = 'SIGINT', match) {
        return control
          .stepProcesses()
          .filter((p) => !match || match.test(p.cmd))
          .filter((p) => signalIfSame(p, signal))
          .map((p) => p.pid);
      },
      cancel({ job = true, sigtermAfterMs = 7_500, killAfterMs = 2_500 } = {}) {
        const steps = control.stepProcesses();
        if (job && child.exitCode === null) child.kill('SIGINT');
        for (const p of steps) signalIfSame(p, 'SIGINT');
        later(sigtermAfterMs, () => steps.forEach((p) => signalIfSame(p, 'SIGTERM')));
        later(sigtermAfterMs + killAfterMs, () => steps.forEach((p) => signalIfSame(p, 'SIGKILL')));
      },
    };

    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      parser.push(d.toString());
      opts.onOutput?.(parser.log(), child, control);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));

    later(opts.timeoutMs ?? 240_000, () => {
      timedOut = true;
      stderr += '\n[test] the workflow ran past its time limit: cancelling it\n';
      // The step first (SIGINT, SIGTERM, SIGKILL as GitHub does), so the action can clean up: act would
      // SIGKILL it at once. Then act, which still runs the post steps.
      control.cancel({ job: false });
      later(CANCEL_JOB_AFTER_MS, () => {
        if (child.exitCode === null) child.kill('SIGINT');
      });
      later(HARD_KILL_AFTER_MS, () => {
        stderr += '\n[test] act did not stop: killing its process tree\n';
        const tree = track();
        child.kill('SIGKILL');
        for (const p of tree) signalIfSame(p, 'SIGKILL');
      });
    });

    child.on('error', (err) => {
      clearInterval(watcher);
      timers.forEach(clearTimeout);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearInterval(watcher);
      timers.forEach(clearTimeout);
      parser.end();
      const leftovers = [...seen.values()]
        .filter((p) => signalIfSame(p, 'SIGKILL'))
        .map(({ pid, cmd }) => ({ pid, cmd }));
      const keep = opts.keep || process.env.ATQ_TEST_KEEP_ACT === '1';
      if (!keep) fs.rmSync(tempDir, { recursive: true, force: true });
      resolve({ code, signal, timedOut, stdout, stderr, leftovers, tempDir, ...parser.result() });
    });
  });
}

type Entry = Record<string, unknown>;

/** Turns act's --json log into steps, outputs, summaries and annotations. */
class LogParser {
  private partial = '';
  private lines: string[] = [];
  private entries: Entry[] = [];
  private steps: ActStep[] = [];
  private outputs: Record<string, Record<string, string>> = {};
  private summaries: { stepId: string; stage: string; content: string }[] = [];
  private annotations: ActAnnotation[] = [];
  private jobResult?: 'success' | 'failure';

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.line(line);
  }

  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  log(): string {
    return this.lines.join('\n');
  }

  result() {
    return {
      log: this.log(),
      entries: this.entries,
      steps: this.steps,
      outputs: this.outputs,
      summary: this.summaries.map((s) => s.content).join(''),
      summaries: this.summaries,
      annotations: this.annotations,
      jobResult: this.jobResult,
    };
  }

  private line(text: string): void {
    if (!text.trim()) return;
    let e: Entry;
    try {
      e = JSON.parse(text) as Entry;
    } catch {
      this.lines.push(text);
      return;
    }
    this.entries.push(e);
    const msg = typeof e.msg === 'string' ? e.msg : '';
    const stepIds = Array.isArray(e.stepID) ? (e.stepID as string[]) : undefined;
    const stepId = stepIds?.join('/');
    const stage = typeof e.stage === 'string' ? e.stage : '';
    const command = typeof e.command === 'string' ? e.command : undefined;

    if (e.raw_output) {
      const out = msg.replace(/\r?\n$/, '');
      for (const l of out.split('\n')) this.lines.push(`  | ${l}`);
      const step = this.current(stepId, stage);
      if (step) step.output += (step.output ? '\n' : '') + out;
      return;
    }
    this.lines.push(msg.replace(/\s+$/, ''));
    if (e.jobResult === 'success' || e.jobResult === 'failure') this.jobResult = e.jobResult;
    if (stepId === undefined || !stage) return; // set-up / complete job

    if (msg.startsWith('\u2B50 Run ')) {
      this.steps.push({
        id: stepId,
        name: typeof e.step === 'string' ? e.step : '',
        stage: stage as ActStep['stage'],
        continuedOnError: false,
        output: '',
        errors: [],
        outputs: {},
        summary: '',
      });
      return;
    }
    const step = this.current(stepId, stage);
    if (e.stepResult === 'success' || e.stepResult === 'failure') {
      if (step) {
        step.result = e.stepResult;
        if (typeof e.executionTime === 'number') step.durationMs = e.executionTime / 1e6;
      }
    } else if (msg === 'Failed but continue next step') {
      if (step) step.continuedOnError = true;
    } else if (command === 'set-output' && typeof e.name === 'string') {
      const value = typeof e.arg === 'string' ? e.arg : '';
      (this.outputs[stepId] ??= {})[e.name] = value;
      if (step) step.outputs[e.name] = value;
    } else if (command === 'summary' && typeof e.content === 'string') {
      this.summaries.push({ stepId, stage, content: e.content });
      if (step) step.summary += e.content;
    } else if (command === 'error' || command === 'warning' || command === 'notice') {
      const props = (e.kvPairs ?? {}) as Record<string, string>;
      this.annotations.push({
        level: command,
        message: typeof e.arg === 'string' ? e.arg : '',
        title: props.title,
        file: props.file,
        line: props.line,
        endLine: props.endLine,
        col: props.col,
        endColumn: props.endColumn,
        properties: props,
        stepId,
        stage,
      });
    } else if (e.level === 'error' && !command && step) {
      step.errors.push(msg);
    }
  }

  /** The latest started step with this id and stage. */
  private current(stepId: string | undefined, stage: string): ActStep | undefined {
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const s = this.steps[i] as ActStep;
      if (s.id === stepId && s.stage === stage) return s;
    }
    return undefined;
  }
}
