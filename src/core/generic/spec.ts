/**
 * A task in the seed's own form ("any master/worker tool"): arbitrary images, workers first, their
 * overlay addresses handed to the master. Validated from the seed's payload by server/seed-task.ts.
 */
export interface ServiceDef {
  /** The seed's service identifier: here only the prefix of the service's output lines. */
  alias?: string;
  image: string;
  /** Arguments for the image's entrypoint (Swarm's Args: the image's ENTRYPOINT is kept). */
  args: string[];
  env: Record<string, string>;
  replicas: number;
  /** An upload whose files appear under /atq/data/ in every container of the service. */
  fileId?: string;
  /** Accepted as the seed had it; a service's output is read as lines, so no TTY is allocated. */
  tty: boolean;
}

export interface GenericWaitCommand {
  command: string;
  /** The command's trimmed output must equal this; without it, exit status 0 is enough. */
  expectedResult?: string;
  timeoutMs: number;
}

export interface GenericTaskSpec {
  name: string;
  delayMs: number;
  waitCommand?: GenericWaitCommand;
  master: ServiceDef;
  worker: ServiceDef;
  /** Absolute paths in the master's container, copied out after it exits. */
  collect: string[];
}

/** Set by ATQ on the master (the workers' addresses, comma-separated, as the seed did): not the user's. */
export const RESERVED_ENV = ['WORKER_CSV_VIPS', 'REMOTES'] as const;

/** Where an upload's files appear in a service's containers. */
export const DATA_DIR = '/atq/data';

export const LIMITS = {
  maxWorkers: 100,
  maxDelaySeconds: 3600,
  maxWaitSeconds: 3600,
  defaultWaitSeconds: 60,
  maxCollect: 20,
  /** Each uploaded file is one Swarm config; Engine 20.10 refuses configs over 500 KiB. */
  maxFileBytes: 500 * 1024,
  maxFiles: 100,
  /** What `collect` may copy out of the master in all: a task must not fill the server's disk. */
  collectBytes: 1024 * 1024 * 1024,
  /** Configs live in the managers' Raft store: keep what one task puts there modest. */
  maxTotalFileBytes: 20 * 1024 * 1024,
} as const;
