import { loadRunOptions } from '../config/load.js';
import { envValues } from '../config/env-values.js';
import { cleanupHint } from '../core/finish.js';
import { outcome } from '../core/outcome.js';
import { newRunId } from '../core/run-id.js';
import { runAnywhere } from '../remote/anywhere.js';
import { formatDuration } from '../util/duration.js';
import { inertLine } from '../util/text.js';
import { parseFlags, runFlagSpec, runHelp } from './args.js';
import { consoleListener, consoleLogger } from './console.js';
import { EXIT, reportError } from './exit.js';
import { untrustedFromEnv } from './untrusted.js';
import type { SignalGuard } from '../util/signals.js';

export async function runCommand(argv: string[], cwd: string, signals: SignalGuard): Promise<number> {
  const write = (t: string) => process.stderr.write(t + '\n');
  const { config, help, ...flags } = parseFlags(argv, runFlagSpec());
  if (help) {
    process.stdout.write(runHelp() + '\n');
    return EXIT.ok;
  }
  const configFile = typeof config === 'string' ? config : undefined;
  // ATQ_SERVER, ATQ_TOKEN, ATQ_SECRET_PROPS: under the flags, over atq.yml (secrets belong in the environment).
  const values = { ...envValues(process.env), ...flags };
  const opts = await loadRunOptions({ values, configFile, cwd, untrusted: untrustedFromEnv(process.env) });
  const runId = newRunId();
  // A remote run leaves nothing on the swarm from here; once queued, its task is what may be left running.
  signals.hint = () =>
    opts.server ? '' : `Remove the leftovers with: ${cleanupHint(runId, opts.docker.host)}`;
  const auth = opts.server?.token ? ' -H "Authorization: Bearer $ATQ_TOKEN"' : '';
  const { report, error } = await runAnywhere(opts, {
    onEvent: consoleListener(process.stderr, { labels: opts.progressLabels }),
    signal: signals.signal,
    runId,
    onTask: (_id, url) => {
      signals.hint = () =>
        `The task may still run on the server; cancel it with: curl -X DELETE${auth} ${url}`;
    },
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
      // Only when they happened: why a verdict may not be what it seems.
      ...(report.autoStop && { autoStop: inertLine(report.autoStop.message) }),
      ...(report.unreliable && { unreliable: report.unreliable.workers.map((w) => inertLine(w)) }),
    }) + '\n',
  );
  const result = outcome(report, error);
  if (error) reportError(error, write);
  else if (result.kind === 'gates-failed') {
    // A stop says what auto-stop saw: its criterion is the failed gate, and the one a reader looks for.
    // (the criterion may quote a label of the plan's: inert, as on the console)
    const what = report.autoStop
      ? `auto-stop ${inertLine(report.autoStop.message)}`
      : 'performance gates failed';
    write(`atq: ${what} (exit code ${result.exitCode}); see summary.md in the results folder.`);
  }
  return result.exitCode;
}
