import { loadRunOptions } from '../config/load.js';
import { cleanupCommand } from '../core/finish.js';
import { outcome } from '../core/outcome.js';
import { runLoadTest } from '../core/run.js';
import { newRunId } from '../core/run-id.js';
import { formatDuration } from '../util/duration.js';
import { parseFlags, runFlagSpec, runHelp } from './args.js';
import { connector } from '../swarm/connector.js';
import { consoleListener, consoleLogger } from './console.js';
import { EXIT, reportError } from './exit.js';
import type { SignalGuard } from '../util/signals.js';

export async function runCommand(argv: string[], cwd: string, signals: SignalGuard): Promise<number> {
  const write = (t: string) => process.stderr.write(t + '\n');
  const { config, help, ...flags } = parseFlags(argv, runFlagSpec());
  if (help) {
    process.stdout.write(runHelp() + '\n');
    return EXIT.ok;
  }
  const configFile = typeof config === 'string' ? config : undefined;
  const opts = await loadRunOptions({ values: flags, configFile, cwd });
  const runId = newRunId();
  signals.hint = () => `Remove the leftovers with: ${cleanupCommand(runId, opts.docker.host)}`;
  const { report, error } = await runLoadTest(opts, {
    connect: connector(opts.docker),
    onEvent: consoleListener(),
    signal: signals.signal,
    runId,
  });
  const logger = consoleLogger();
  const stages = Object.entries(report.stages)
    .map(([k, v]) => `${k} ${formatDuration(v)}`)
    .join(', ');
  logger.info(`stages: ${stages}`);
  logger.info(`run ${report.runId} ${report.status}; results in ${report.outDir}`);
  process.stdout.write(
    JSON.stringify({
      runId: report.runId,
      status: report.status,
      verdict: report.verdict ?? null,
      outDir: report.outDir,
    }) + '\n',
  );
  const result = outcome(report, error);
  if (error) reportError(error, write);
  else if (result.kind === 'gates-failed') {
    write(
      `atq: performance gates failed (exit code ${result.exitCode}); see summary.md in the results folder.`,
    );
  }
  return result.exitCode;
}
