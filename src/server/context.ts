import type { DockerOptions } from '../config/options.js';
import type { SwarmClient } from '../swarm/api.js';
import type { Logger } from '../util/log.js';
import type { Tokens } from './auth.js';
import type { FileStore } from './files.js';
import type { EventHub } from './hub.js';
import type { TaskQueue } from './queue.js';
import type { Scheduler } from './schedules.js';
import type { Store } from './store.js';

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  concurrency: number;
  tokensFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  docker: DockerOptions;
  /** Largest upload body, compressed. */
  maxUploadBytes: number;
  /** Most entries and bytes an upload may unpack to. */
  maxEntries: number;
  maxExtractedBytes: number;
  /** Most tasks one token may have waiting in the queue (and most schedules it may have). */
  maxQueuedPerToken: number;
  /** Networks tasks may attach to (--allow-network; * is a wildcard). */
  allowNetworks: string[];
  /** What one task may ask for and what a token may keep: docs/server.md, "Limits". */
  limits: ServerLimits;
  /** Most open connections at once (--max-connections); more are closed as they come. */
  maxConnections: number;
  /** How long a client may take to send its request's headers, and its whole request (an upload). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** The caps on tasks: each refusal is a 400 that names the cap's flag (LIMIT_EXCEEDED). */
export interface ServerLimits {
  /** --max-workers: workers (or engines, or seed workers) of one task. */
  maxWorkers: number;
  /** --max-timeout: a task's timeout, ready timeout and wait-command timeout. */
  maxTimeoutMs: number;
  /** --max-delay: a task's delay before the master starts. */
  maxDelayMs: number;
  /** --max-bundle: the test bundle one task ships to the swarm (its max-bundle-size). */
  maxBundleBytes: number;
  /** --max-results: the results one task may copy out of its containers (and each log's share of them). */
  maxResultBytes: number;
  /** --max-stored: results a token may keep on the server; above it, its new tasks are refused. */
  maxStoredBytesPerToken: number;
  /** --allow-image: images tasks may run (* is a wildcard); empty: any. */
  allowImages: string[];
  /** --allow-monitor: services tasks may monitor (* and ? wildcards; server/monitor-allow.ts); empty: none. */
  allowMonitors: string[];
  /** --task-cpus / --task-memory: limits of every container a task starts (0: none). */
  taskCpus: number;
  taskMemoryBytes: number;
  /** --keep-results: ended tasks (results, events) and unused uploads older than this are removed. */
  keepResultsMs: number;
}

export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8480,
  concurrency: 1,
  maxUploadBytes: 100 * 1024 * 1024,
  maxEntries: 5000,
  maxExtractedBytes: 500 * 1024 * 1024,
  maxQueuedPerToken: 20,
  allowNetworks: [] as string[],
  limits: {
    maxWorkers: 50,
    maxTimeoutMs: 2 * 3_600_000,
    maxDelayMs: 10 * 60_000,
    maxBundleBytes: 100 * 1024 * 1024,
    maxResultBytes: 2 * 1024 ** 3,
    maxStoredBytesPerToken: 5 * 1024 ** 3,
    allowImages: [] as string[],
    allowMonitors: [] as string[],
    taskCpus: 2,
    taskMemoryBytes: 2 * 1024 ** 3,
    keepResultsMs: 30 * 86_400_000,
  } satisfies ServerLimits,
  maxConnections: 256,
  headersTimeoutMs: 20_000,
  // An upload of --max-upload at 200 KB/s; a client slower than that is holding a connection, not uploading.
  requestTimeoutMs: 10 * 60_000,
};

/** What every route handler may use. */
export interface ServerContext {
  options: ServerOptions;
  store: Store;
  files: FileStore;
  hub: EventHub;
  queue: TaskQueue;
  schedules: Scheduler;
  tokens?: Tokens;
  connect: () => Promise<SwarmClient>;
  logger: Logger;
  version: string;
}
