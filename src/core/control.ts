import { AbortedError, AtqError } from '../errors.js';
import { formatDuration } from '../util/duration.js';

/** What the run was doing, in words, for messages such as "reached its --timeout while ...". */
const DOING: Record<string, string> = {
  bundle: 'packing the test files',
  connect: 'connecting to the engine',
  lease: 'registering the run on the swarm',
  network: 'creating the run network',
  ship: 'shipping the test files',
  workers: 'the workers were starting',
  ready: 'the workers were starting',
  wait: 'the wait command was running',
  delay: 'waiting out --delay',
  'master-start': 'the master was starting',
  'master-run': 'the master was running the plan',
  engines: 'the engines were starting',
  go: 'the engines were starting the test',
  'engines-run': 'the engines were running',
  files: 'checking the uploaded files',
  collect: 'copying the results out',
};

export function doing(stage: string | undefined): string {
  return (stage && DOING[stage]) ?? `in stage ${stage ?? 'setup'}`;
}

/**
 * One signal for everything that stops a run from outside its stages: the caller's cancel (SIGINT in CI),
 * the --timeout, and someone else removing the run. The reason is the error the run reports.
 */
export class RunControl {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** When the caller cancelled: what is left to do must fit in the CI runner's grace period. */
  cancelledAt?: number;
  /** When the timeout fires: the one clock of the run's deadline (stages wait at most until then). */
  readonly endsAt: number;

  get cancelled(): boolean {
    return this.cancelledAt !== undefined;
  }

  /**
   * `pace` scales the lifecycle's own waits (poll intervals, settling pauses, the engine's grace period, the
   * lease's heartbeat): 1 is real time; the lifecycle's unit tests run against an in-memory swarm faster.
   */
  constructor(
    external: AbortSignal | undefined,
    timeoutMs: number,
    stage: () => string | undefined,
    readonly pace = 1,
  ) {
    const onCancel = () => {
      this.cancelledAt = Date.now();
      const reason: unknown = external?.reason;
      this.fail(reason instanceof AtqError ? reason : new AbortedError(String(reason ?? 'cancelled')));
    };
    if (external?.aborted) onCancel();
    else external?.addEventListener('abort', onCancel, { once: true });
    // Not unref'd: if every call in flight hangs (a Docker API call that never answers), this timer keeps the
    // process alive until --timeout aborts the run and cleanup runs, instead of Node exiting (code 13) with
    // everything left on the swarm (seen at 10 workers). dispose() clears it when the run ends.
    this.endsAt = Date.now() + timeoutMs;
    this.timer = setTimeout(() => this.fail(runTimeout(timeoutMs, doing(stage()))), timeoutMs);
  }

  /**
   * A deadline for work that may normally take `normalMs` from now, and must end `afterCancelMs` after a
   * cancel, even one that comes while the work is under way (GitHub kills the step 10 s after SIGINT).
   */
  deadline(normalMs: number, afterCancelMs: number): () => number {
    const normal = Date.now() + normalMs;
    return () =>
      this.cancelledAt === undefined ? normal : Math.min(normal, this.cancelledAt + afterCancelMs);
  }

  /** One of the lifecycle's waits (measured for real swarms) at this run's pace. */
  ms(realMs: number): number {
    return realMs * this.pace;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first reason wins: a timeout after a cancel is still a cancel. */
  fail(error: AtqError): void {
    if (!this.controller.signal.aborted) this.controller.abort(error);
  }

  get reason(): AtqError | undefined {
    const r: unknown = this.controller.signal.reason;
    return this.controller.signal.aborted && r instanceof AtqError ? r : undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

export function runTimeout(timeoutMs: number, during: string): AtqError {
  return new AtqError(
    'RUN_TIMEOUT',
    `The run reached its --timeout of ${formatDuration(timeoutMs)} while ${during}. ` +
      'Partial results (if any) were kept; raise --timeout if the plan needs longer.',
    { timeoutMs, during },
  );
}
