import path from 'node:path';
import { parseSize } from '../config/resolve.js';
import { ConfigError } from '../errors.js';
import { addToken } from '../server/auth.js';
import { SERVER_DEFAULTS, type ServerOptions } from '../server/context.js';
import { startServer } from '../server/server.js';
import { parseFlags } from './args.js';
import { connectionFlagSpec, dockerOptionsFrom } from './cleanup.js';
import { consoleLogger } from './console.js';
import { limitFlagSpec, limitsFrom } from './serve-limits.js';
import { EXIT } from './exit.js';

export const SERVE_HELP = `Usage: atq serve [--listen 127.0.0.1:8480] [--data DIR] [--concurrency 1] [--tokens FILE]
                 [--tls-cert FILE --tls-key FILE] [--allow-network NAME ...] [--allow-image IMAGE ...]
                 [--allow-monitor SERVICE ...]
                 [--max-upload 100MB] [--max-queued 20] [--max-workers 50] [--max-timeout 2h]
                 [--max-delay 10m] [--max-bundle 100MB] [--max-results 2GB] [--max-stored 5GB]
                 [--task-cpus 2] [--task-memory 2GB] [--keep-results 30d] [--max-connections 256]
                 [connection options]
       atq serve --tokens FILE --add-token NAME [--admin]

Runs the ATQ service: a REST API (/api, described at /api/openapi.json) and a page (/) in front of the
swarm, where teams upload test files, queue load tests and follow them. Tasks run one at a time by
default (--concurrency): concurrent load tests on one cluster distort each other's numbers. The queue
is kept in DIR/atq.sqlite: after a restart, queued tasks still run and interrupted ones are failed and
their objects removed. Listening beyond loopback needs --tokens (clients send "Authorization: Bearer T");
--add-token NAME creates a token, stores only its hash in FILE and prints it once; with --admin, the
token may also cancel, remove and use what other tokens own (an operator's). Tasks may attach
their containers only to the networks --allow-network names (* as wildcard), e.g. the system under test's,
and sample (monitor) only the services --allow-monitor names (* and ? as wildcards; none by default): a
name is allowed when a pattern matches it, a glob only when it is one of the patterns.
The --max-* flags cap what one task may ask for (a larger ask is refused, naming the flag), --allow-image
the images tasks may run, --task-cpus/--task-memory every container a task starts (0: no limit), and
--keep-results how long ended tasks and unused uploads are kept (0: forever). See docs/server.md, "Limits".`;

function serveFlags(argv: string[]) {
  return parseFlags(argv, {
    listen: { type: 'string' },
    data: { type: 'string' },
    concurrency: { type: 'string' },
    tokens: { type: 'string' },
    'add-token': { type: 'string' },
    admin: { type: 'boolean' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'max-upload': { type: 'string' },
    'max-queued': { type: 'string' },
    'allow-network': { type: 'string', multiple: true },
    'max-connections': { type: 'string' },
    ...limitFlagSpec(),
    help: { type: 'boolean', short: 'h' },
    ...connectionFlagSpec(),
  });
}

/** The server's options from its flags, every problem listed at once. */
export function serverOptions(flags: Record<string, unknown>, cwd: string): ServerOptions {
  const problems: string[] = [];
  const text = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const listen = text('listen') ?? `${SERVER_DEFAULTS.host}:${SERVER_DEFAULTS.port}`;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[3]) > 65535)
    problems.push(`listen: "${listen}" is not HOST:PORT, e.g. 127.0.0.1:8480 or 0.0.0.0:8480`);
  const int = (name: string, fallback: number, max: number) => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max)
      problems.push(`${name}: "${raw}" is not an integer from 1 to ${max}`);
    return n;
  };
  const maxUpload =
    text('max-upload') === undefined ? SERVER_DEFAULTS.maxUploadBytes : parseSize(text('max-upload'));
  if (maxUpload === undefined)
    problems.push(`max-upload: "${text('max-upload')}" is not a size such as 100MB`);
  if (Boolean(text('tls-cert')) !== Boolean(text('tls-key')))
    problems.push('tls-cert and tls-key: give both, or neither');
  const options: ServerOptions = {
    host: m?.[1] ?? m?.[2] ?? SERVER_DEFAULTS.host,
    port: Number(m?.[3] ?? SERVER_DEFAULTS.port),
    dataDir: path.resolve(cwd, text('data') ?? 'atq-data'),
    concurrency: int('concurrency', SERVER_DEFAULTS.concurrency, 100),
    tokensFile: text('tokens') && path.resolve(cwd, text('tokens') as string),
    tlsCert: text('tls-cert') && path.resolve(cwd, text('tls-cert') as string),
    tlsKey: text('tls-key') && path.resolve(cwd, text('tls-key') as string),
    docker: dockerOptionsFrom(flags, cwd),
    maxUploadBytes: maxUpload ?? SERVER_DEFAULTS.maxUploadBytes,
    maxEntries: SERVER_DEFAULTS.maxEntries,
    maxExtractedBytes: SERVER_DEFAULTS.maxExtractedBytes,
    maxQueuedPerToken: int('max-queued', SERVER_DEFAULTS.maxQueuedPerToken, 10_000),
    allowNetworks: (flags['allow-network'] as string[] | undefined) ?? [],
    limits: limitsFrom(flags, problems),
    maxConnections: int('max-connections', SERVER_DEFAULTS.maxConnections, 100_000),
    headersTimeoutMs: SERVER_DEFAULTS.headersTimeoutMs,
    requestTimeoutMs: SERVER_DEFAULTS.requestTimeoutMs,
  };
  if (problems.length) throw new ConfigError(problems);
  return options;
}

export async function serveCommand(
  argv: string[],
  cwd: string,
  signal: AbortSignal,
  version: string,
): Promise<number> {
  const flags = serveFlags(argv);
  if (flags.help) {
    process.stdout.write(SERVE_HELP + '\n');
    return EXIT.ok;
  }
  const options = serverOptions(flags, cwd);
  if (flags.admin && typeof flags['add-token'] !== 'string')
    throw new ConfigError(['admin: marks the token --add-token NAME creates; give --add-token too']);
  if (typeof flags['add-token'] === 'string') {
    if (!options.tokensFile) throw new ConfigError(['add-token: give --tokens FILE to store the token in']);
    const token = await addToken(options.tokensFile, flags['add-token'], flags.admin === true);
    process.stdout.write(`${token}\n`);
    process.stderr.write(
      `[atq] ${flags.admin ? 'admin ' : ''}token for ${flags['add-token']} added to ${options.tokensFile}; ` +
        'it is shown only now\n',
    );
    return EXIT.ok;
  }
  const logger = consoleLogger();
  // Everything the server writes (queue, uploads, results, events) is readable by its own user only.
  process.umask(0o077);
  const server = await startServer(options, logger, version);
  logger.info(
    `atq serve: listening on ${server.url} (data in ${options.dataDir}, concurrency ${options.concurrency}` +
      `${options.tokensFile ? ', tokens required' : ', no tokens: loopback only'})`,
  );
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  logger.info('atq serve: stopping; running tasks are aborted and cleaned up, queued tasks stay queued');
  await server.close();
  return EXIT.ok;
}
