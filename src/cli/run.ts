import path from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { resolveOptions } from '../config/resolve.js';
import { ConfigError } from '../errors.js';
import { cleanupCommand } from '../core/finish.js';
import { runLoadTest } from '../core/run.js';
import { newRunId } from '../core/run-id.js';
import { formatDuration } from '../util/duration.js';
import { parseFlags, runFlagSpec, runHelp } from './args.js';
import { connector } from './connect.js';
import { consoleLogger } from './console.js';
import { EXIT, reportError } from './exit.js';
import type { SignalGuard } from './signals.js';

export async function runCommand(argv: string[], cwd: string, signals: SignalGuard): Promise<number> {
  const write = (t: string) => process.stderr.write(t + '\n');
  const flags = parseFlags(argv, runFlagSpec());
  if (flags.help) {
    process.stdout.write(runHelp() + '\n');
    return EXIT.ok;
  }
  const configPath = path.resolve(cwd, typeof flags.config === 'string' ? flags.config : 'atq.yml');
  const file = await loadConfigFile(configPath, typeof flags.config === 'string');
  delete flags.config;
  delete flags.help;
  const { options: opts, problems } = resolveOptions(file, flags, cwd, path.dirname(configPath));
  if (!opts) throw new ConfigError(problems);

  const logger = consoleLogger();
  const runId = newRunId();
  signals.hint = () =>
    `Remove the leftovers with: ${cleanupCommand(runId)}${opts.docker.host ? ` --docker-host ${opts.docker.host}` : ''}`;
  {
    const { report, error } = await runLoadTest(opts, {
      connect: connector(opts.docker),
      logger,
      signal: signals.signal,
      runId,
    });
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
    if (error) return reportError(error, write);
    if (report.verdict === 'failed') {
      write('atq: performance gates failed (exit code 3); see summary.md in the results folder.');
      return EXIT.gatesFailed;
    }
    return EXIT.ok;
  }
}
