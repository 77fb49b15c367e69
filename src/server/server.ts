import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sweep } from '../core/cleanup.js';
import { AtqError, errorMessage, isAtqError } from '../errors.js';
import { connector } from '../swarm/connector.js';
import type { Logger } from '../util/log.js';
import { authorise, Tokens } from './auth.js';
import type { ServerContext, ServerOptions } from './context.js';
import { FileStore } from './files.js';
import { HttpError, sendError } from './http.js';
import { EventHub } from './hub.js';
import { openApiRoutes } from './openapi.js';
import { pageRoutes } from './page.js';
import { TaskQueue } from './queue.js';
import { compile, match, type Route } from './router.js';
import { eventRoutes } from './routes-events.js';
import { fileRoutes } from './routes-files.js';
import { historyRoutes } from './routes-history.js';
import { resultRoutes } from './routes-results.js';
import { swarmRoutes } from './routes-swarm.js';
import { taskRoutes } from './routes-tasks.js';
import { startRetention } from './retention.js';
import { Scheduler } from './schedules.js';
import { Store } from './store.js';
import { enqueue } from './submit.js';

export interface RunningServer {
  url: string;
  context: ServerContext;
  /** Stops taking requests, aborts running tasks (they clean up) and closes the store. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Starts `atq serve`: the store, the queue (recovering what a previous process left), then HTTP. */
export async function startServer(
  options: ServerOptions,
  logger: Logger,
  version: string,
): Promise<RunningServer> {
  if (!options.tokensFile && !LOOPBACK.test(options.host))
    throw new AtqError(
      'CONFIG_INVALID',
      `Listening on ${options.host} without --tokens would let anyone on the network ` +
        'run load tests on your swarm. Give --tokens FILE (create tokens with --add-token NAME), or listen on 127.0.0.1.',
    );
  const tokens = options.tokensFile ? await Tokens.load(options.tokensFile) : undefined;
  if (tokens && !options.tlsCert && !LOOPBACK.test(options.host))
    logger.warn(
      `tokens cross the network in clear text on ${options.host}: give --tls-cert and --tls-key (or a TLS proxy)`,
    );
  const tls =
    options.tlsCert && options.tlsKey
      ? { cert: await readFile(options.tlsCert), key: await readFile(options.tlsKey) }
      : undefined;
  const ctx = buildContext(await Store.open(options.dataDir), options, logger, version, tokens);
  await ctx.files.sweep();
  const routes = compile([
    ...taskRoutes(ctx),
    ...eventRoutes(ctx),
    ...resultRoutes(ctx),
    ...historyRoutes(ctx),
    ...fileRoutes(ctx),
    ...swarmRoutes(ctx),
    ...openApiRoutes(ctx),
    ...pageRoutes(ctx),
  ]);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void handle(ctx, routes, req, res);
  // Node checks the timeouts below this often (default 30 s): tests set them short.
  const checking = { connectionsCheckingInterval: Math.min(30_000, options.headersTimeoutMs) };
  const server = tls
    ? https.createServer({ ...tls, ...checking }, handler)
    : http.createServer(checking, handler);
  // Nobody, with a token or without, holds a connection by sending slowly: headers must come within
  // headersTimeoutMs and a whole request (an upload) within requestTimeoutMs. An event stream's request
  // is complete once sent, so answers that stream for hours are not cut.
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  server.maxConnections = options.maxConnections;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
  } catch (e) {
    ctx.store.close();
    throw new AtqError(
      'CONFIG_INVALID',
      `Cannot listen on ${options.host}:${options.port}: ${errorMessage(e)}. Choose another --listen.`,
    );
  }
  // Only once this process owns the data folder and the port: recovery fails what a dead server left running.
  const recovered = ctx.queue.recover();
  ctx.schedules.start();
  const stopRetention = startRetention(ctx);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  void recovered.catch((e) => logger.warn(`recovering the queue failed: ${errorMessage(e)}`));
  return {
    url,
    context: ctx,
    close: async () => {
      ctx.schedules.stop();
      stopRetention();
      ctx.queue.halt();
      await recovered.catch(() => {});
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ctx.queue.stop();
      ctx.store.close();
    },
  };
}

function buildContext(
  store: Store,
  options: ServerOptions,
  logger: Logger,
  version: string,
  tokens?: Tokens,
): ServerContext {
  const files = new FileStore(path.join(options.dataDir, 'files'), {
    maxEntries: options.maxEntries,
    maxTotalBytes: options.maxExtractedBytes,
  });
  const hub = new EventHub(options.dataDir);
  const { taskCpus, taskMemoryBytes } = options.limits;
  const connect = connector(options.docker, { cpus: taskCpus, memoryBytes: taskMemoryBytes });
  const queue = new TaskQueue({
    store,
    hub,
    files,
    dataDir: options.dataDir,
    allowNetworks: options.allowNetworks,
    docker: options.docker,
    limits: options.limits,
    connect,
    concurrency: options.concurrency,
    logger,
    sweepRun: async (runId) => {
      const result = await sweep(await connect(), { runId, force: true }, logger);
      logger.info(`swept run ${runId}: ${result.removed.length} object(s) removed`);
    },
  });
  const ctx = { options, store, files, hub, queue, tokens, connect, logger, version } as ServerContext;
  ctx.schedules = new Scheduler(
    store,
    (s) => {
      // A due time whose previous run still waits adds nothing: the queue must not grow by itself.
      const waiting = store.tasks({ status: ['queued'], scheduleId: s.id, limit: 1, offset: 0 }).tasks[0];
      if (waiting) return waiting.id;
      const seed = 'master' in s.payload || 'worker' in s.payload;
      return enqueue({ kind: seed ? 'seed' : 'atq', name: s.name, payload: s.payload }, s.owner, ctx, s.id)
        .id;
    },
    logger,
  );
  return ctx;
}

async function handle(
  ctx: ServerContext,
  routes: ReturnType<typeof compile>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const url = new URL(req.url ?? '/', 'http://atq.invalid');
  try {
    const { route, params, allowed } = match(routes, req.method ?? 'GET', url.pathname);
    if (!route) {
      if (allowed.length)
        throw new HttpError(
          405,
          'METHOD_NOT_ALLOWED',
          `${req.method} is not allowed on ${url.pathname}; use ${allowed.join(', ')}.`,
          undefined,
          { allow: allowed.join(', ') },
        );
      throw new HttpError(
        404,
        'NOT_FOUND',
        `No such endpoint: ${req.method} ${url.pathname} (see /api/openapi.json).`,
      );
    }
    checkOrigin(req, Boolean(ctx.tokens));
    const owner = route.open ? 'anonymous' : authorise(req, ctx.tokens, Boolean(route.browser));
    await (route as Route).handler({ req, res, url, params, owner });
  } catch (e) {
    if (res.headersSent) return void res.destroy();
    const error = asHttpError(e, ctx);
    // A caller without a valid token, or with a body too large to read, gets no connection to hold: the
    // answer ends it, whatever of the body is still coming.
    if (error.status === 401 || error.status === 413) error.headers.connection = 'close';
    sendError(res, error);
  }
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?$/i;
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Browsers can be made to call this API: a page elsewhere posting a form (CSRF, Basic credentials are
 * sent along), or DNS rebinding a name to 127.0.0.1 where an open loopback server listens. Without
 * tokens only loopback Host names are answered; changes from another site's pages are refused.
 */
function checkOrigin(req: http.IncomingMessage, hasTokens: boolean): void {
  const host = req.headers.host ?? '';
  if (!hasTokens && !LOOPBACK_HOST.test(host))
    throw new HttpError(
      421,
      'MISDIRECTED',
      `This server answers only to its loopback address, not to "${host}".`,
    );
  if (SAFE.has(req.method ?? 'GET')) return;
  const origin = req.headers.origin;
  const crossSite = req.headers['sec-fetch-site'] === 'cross-site';
  let foreign = false;
  if (origin) {
    try {
      foreign = new URL(origin).host !== host;
    } catch {
      foreign = true;
    }
  }
  if (crossSite || foreign)
    throw new HttpError(
      403,
      'CROSS_SITE',
      `Changes from another site's page (${origin ?? 'cross-site'}) are refused.`,
    );
}

function asHttpError(e: unknown, ctx: ServerContext): HttpError {
  if (e instanceof HttpError) return e;
  if (isAtqError(e)) {
    const unavailable = ['DOCKER_CONNECT', 'ENGINE_UNREACHABLE', 'DOCKER_API', 'NOT_SWARM_MANAGER'].includes(
      e.code,
    );
    return new HttpError(unavailable ? 503 : 500, e.code, e.message);
  }
  ctx.logger.warn(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return new HttpError(
    500,
    'INTERNAL',
    `The server failed: ${errorMessage(e)}. This is a bug in atq; please report it.`,
  );
}
