import type { DockerOptions } from '../config/options.js';
import type { SwarmClient } from '../swarm/client.js';
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
