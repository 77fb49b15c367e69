import { resolveOptions } from '../config/resolve.js';
import { ConfigError } from '../errors.js';
import { sweep } from '../core/cleanup.js';
import { describeRun } from '../core/lease.js';
import { parseDuration } from '../util/duration.js';
import { parseFlags } from './args.js';
import { connector } from '../swarm/connector.js';
import { consoleLogger } from './console.js';
import { EXIT } from './exit.js';

const CONNECTION_FLAGS = ['docker-host', 'tls-ca', 'tls-cert', 'tls-key', 'insecure-plaintext'] as const;

export function connectionFlagSpec() {
  return Object.fromEntries(
    CONNECTION_FLAGS.map((f) => [
      f,
      { type: f === 'insecure-plaintext' ? ('boolean' as const) : ('string' as const) },
    ]),
  );
}

/** Docker options for commands that only need a connection (cleanup, doctor). */
export function dockerOptionsFrom(flags: Record<string, unknown>, cwd: string) {
  const connection = Object.fromEntries(CONNECTION_FLAGS.map((f) => [f, flags[f]]));
  // An image is irrelevant here; give one so validation only reports connection problems.
  const { options, problems } = resolveOptions({}, { ...connection, image: 'unused' }, cwd);
  if (!options) throw new ConfigError(problems);
  return options.docker;
}

export const CLEANUP_HELP = `Usage: atq cleanup (--run ID | --all) [--older-than DURATION] [--force] [connection options]

Removes the services, containers, configs, secrets and networks labelled atq.run (by one run, or all),
e.g. after a run was killed with SIGKILL or run with --keep. Runs in progress (their lease was renewed
within the last minute: another pipeline on the same swarm) are left alone; --force removes them too.`;

export async function cleanupCommand(argv: string[], cwd: string): Promise<number> {
  const flags = parseFlags(argv, {
    run: { type: 'string' },
    all: { type: 'boolean' },
    'older-than': { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...connectionFlagSpec(),
  });
  if (flags.help) {
    process.stdout.write(CLEANUP_HELP + '\n');
    return EXIT.ok;
  }
  const problems: string[] = [];
  if (!flags.run === !flags.all) problems.push('give exactly one of --run ID or --all');
  let olderThanMs: number | undefined;
  if (flags['older-than'] !== undefined) {
    olderThanMs = parseDuration(String(flags['older-than']));
    if (olderThanMs === undefined)
      problems.push(`older-than: "${String(flags['older-than'])}" is not a duration such as 2h`);
  }
  if (problems.length) throw new ConfigError(problems);
  const logger = consoleLogger();
  const client = await connector(dockerOptionsFrom(flags, cwd))();
  const runId = flags.run as string | undefined;
  const result = await sweep(client, { runId, olderThanMs, force: Boolean(flags.force) }, logger);
  for (const r of result.forced) logger.warn(`--force: removing a run in progress: ${describeRun(r)}`);
  for (const o of result.removed) logger.info(`removed ${o.kind} ${o.name || o.id.slice(0, 12)}`);
  for (const r of result.skipped) {
    logger.info(`left alone: ${describeRun(r)}; if its process is gone, add --force (or wait a minute)`);
  }
  logger.info(
    `removed ${result.removed.length} object(s)` +
      (result.skipped.length ? `; left ${result.skipped.length} run(s) in progress alone` : '') +
      (result.failed.length ? `; ${result.failed.length} could not be removed` : ''),
  );
  // Naming a live run and getting nothing removed is a failure: the user wanted it gone.
  return result.failed.length || (runId && result.skipped.length) ? EXIT.error : EXIT.ok;
}
