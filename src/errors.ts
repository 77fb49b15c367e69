/**
 * The errors a user can meet. Each has a stable `code` (for scripts and the other fronts), the data that
 * explains it, and a message that says what went wrong and what to do. Fronts turn them into exit codes
 * in exactly one place (cli/exit.ts).
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'DOCKER_CONNECT'
  | 'NOT_SWARM_MANAGER'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_TOO_LARGE'
  | 'IMAGE_INVALID'
  | 'WORKERS_NOT_READY'
  | 'WORKER_FAILED'
  | 'WAIT_COMMAND_FAILED'
  | 'MASTER_FAILED'
  | 'JMETER_PLAN_FAILED'
  | 'RESULTS_MISSING'
  | 'RESULTS_INVALID'
  | 'RUN_TIMEOUT'
  | 'RUN_ABORTED'
  /** The run's objects were removed by someone else (another pipeline's janitor) while it ran. */
  | 'RUN_REMOVED'
  /** The engine stopped answering in the middle of a run. */
  | 'ENGINE_UNREACHABLE'
  /** A file or folder the user named cannot be read or written. */
  | 'FILE_ACCESS'
  | 'DOCKER_API'
  /** atq serve: an uploaded archive that cannot be accepted (format, unsafe entries, limits). */
  | 'UPLOAD_INVALID'
  /** atq serve: a task names an upload (fileId) the server does not have. */
  | 'FILE_UNKNOWN'
  /** A seed-form (any master/worker tool) task's master exited non-zero or could not run. */
  | 'GENERIC_MASTER_FAILED'
  /** atq serve stopped while the task ran; its objects were swept when it came back. */
  | 'SERVER_RESTARTED'
  /** atq run --server: the server refused the request or could not be reached. */
  | 'SERVER_ERROR'
  /** A failure that is none of the above: a bug in atq. */
  | 'INTERNAL';

export class AtqError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AtqError';
  }
}

/** Options that cannot work, listed all at once so the user fixes them in one go. */
export class ConfigError extends AtqError {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      problems,
    });
    this.name = 'ConfigError';
  }
}

/** The run was stopped from outside (SIGINT/SIGTERM, a cancelled CI job). */
export class AbortedError extends AtqError {
  constructor(reason: string) {
    super('RUN_ABORTED', `Run aborted: ${reason}.`, { reason });
    this.name = 'AbortedError';
  }
}

export function isAtqError(e: unknown): e is AtqError {
  return e instanceof AtqError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
