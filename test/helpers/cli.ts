import { spawn } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const CLI = path.resolve('dist/cli.js');

/**
 * Runs the bundled CLI as users do. `onOutput` sees stderr as it arrives and may act on the process
 * (e.g. send SIGINT once the master runs).
 */
export function runCli(
  args: string[],
  opts: {
    /** After this long the CLI gets SIGINT (so it still cleans up), then SIGKILL 20 s later. */
    timeoutMs?: number;
    cwd?: string;
    env?: Record<string, string>;
    onOutput?: (soFar: string, child: import('node:child_process').ChildProcess) => void;
    onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? process.cwd(),
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onOutput?.(stderr, child);
    });
    // A test that goes wrong must not leave a load test running for hours.
    const limit = setTimeout(() => {
      stderr += '\n[test] the CLI ran past its time limit: sending SIGINT\n';
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    }, opts.timeoutMs ?? 240_000);
    child.on('close', () => clearTimeout(limit));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The run id from the CLI's first line, "run <id>: results go to ...", once it has been printed. */
export function runIdSoFar(stderr: string): string | undefined {
  return /run (\S+): results go to/.exec(stderr)?.[1];
}

/** The run id the CLI prints as JSON on stdout. */
export function runIdOf(result: CliResult): string {
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return (JSON.parse(line) as { runId: string }).runId;
}
