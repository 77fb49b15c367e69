import path from 'node:path';
import type { RunEvent } from '../core/events.js';
import { newRunId } from '../core/run-id.js';
import { AbortedError, errorMessage } from '../errors.js';
import { liveLine } from '../results/live-format.js';
import type { Logger } from '../util/log.js';
import type { EventHub } from './hub.js';
import { executeTask, resultsDir, type RunnerDeps, type TaskEnd } from './runner.js';
import { shownPayload } from './mask.js';
import { folderBytes } from './retention.js';
import { ACTIVE, type TaskRecord, type TaskStatus, type TaskView } from './store.js';

/** The task's status while its run is in a stage: what a user watching the queue wants to know. */
const STATUS_OF_STAGE: Record<string, TaskStatus> = {
  'master-start': 'running',
  'master-run': 'running',
  engines: 'running',
  'engines-run': 'running',
  go: 'running',
  master: 'running',
  collect: 'collecting',
};

/** Runs one task to its end (executeTask on the swarm; tests pass their own). */
export type Execute = (
  task: TaskRecord,
  runId: string,
  signal: AbortSignal,
  onEvent: (e: RunEvent) => void,
) => Promise<TaskEnd>;

export interface QueueDeps extends RunnerDeps {
  execute?: Execute;
  hub: EventHub;
  concurrency: number;
  logger: Logger;
  /** Removes what a run left on the swarm (by its run id), after a restart. */
  sweepRun: (runId: string) => Promise<void>;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
  cancelled: boolean;
}

/**
 * FIFO, at most `concurrency` tasks on the cluster at once: concurrent load tests on one cluster distort
 * each other's numbers. The order and states live in the store, so a restart loses nothing queued.
 */
export class TaskQueue {
  private readonly running = new Map<string, Running>();
  /** The queue position each waiting task was last told, so a change tells only those whose place moved. */
  private readonly told = new Map<string, number>();
  /** Tasks whose run sends live statistics: their progress is the latest live line, not JMeter's summariser. */
  private readonly live = new Set<string>();
  private readonly execute: Execute;
  private stopping = false;
  /** Until the runs a previous process left are swept, nothing starts: they may still be loading the cluster. */
  private recovering = true;

  constructor(private readonly deps: QueueDeps) {
    this.execute =
      deps.execute ?? ((task, runId, signal, onEvent) => executeTask(task, runId, deps, signal, onEvent));
  }

  /**
   * After a restart: tasks that were running are failed at once (their status says why), their objects
   * swept, then the queue goes on. The server answers meanwhile; nothing starts until the sweep is done.
   */
  async recover(): Promise<void> {
    try {
      const interrupted = this.deps.store.active();
      for (const task of interrupted) this.end(task.id, restarted(task));
      for (const task of interrupted) await this.measure(task.id);
      for (const { runId } of interrupted) {
        if (!runId) continue;
        await this.deps.sweepRun(runId).catch((e) => {
          this.deps.logger.warn(
            `could not sweep run ${runId}: ${errorMessage(e)}; atq cleanup --run ${runId} --force`,
          );
        });
      }
    } finally {
      this.recovering = false;
    }
    this.pump();
  }

  add(_task: TaskRecord): void {
    this.pump();
  }

  /** 1 for the next task to start, 0 for one that has started or ended. */
  position(id: string): number {
    return this.deps.store.queued().findIndex((t) => t.id === id) + 1;
  }

  /** A queued task leaves the queue; a running one is aborted (its run cleans up). False when it has ended. */
  cancel(id: string): boolean {
    const task = this.deps.store.task(id);
    if (!task) return false;
    const run = this.running.get(id);
    if (run) {
      run.cancelled = true;
      run.controller.abort(new AbortedError(`cancelled through the API (DELETE /api/task/${id})`));
      return true;
    }
    if (task.status !== 'queued') return false;
    this.end(id, {
      status: 'cancelled',
      stages: {},
      error: { code: 'RUN_ABORTED', message: 'Cancelled through the API before it started.' },
    });
    return true;
  }

  /** Waits for a cancelled or running task's cleanup (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.running.get(id)?.done;
  }

  /** Nothing starts any more (first step of a shutdown: recovery may still be under way). */
  halt(): void {
    this.stopping = true;
  }

  /** On shutdown: abort every running task and wait until each has cleaned up. Queued tasks stay queued. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const run of this.running.values()) run.controller.abort(new AbortedError('the server is stopping'));
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private pump(): void {
    while (!this.stopping && !this.recovering && this.running.size < this.deps.concurrency) {
      const next = this.deps.store.queued()[0];
      if (!next) break;
      this.told.delete(next.id);
      this.start(next);
    }
    // One read of the queue; only tasks whose place changed hear about it.
    this.deps.store.queued().forEach((task, i) => {
      if (this.told.get(task.id) === i + 1) return;
      this.told.set(task.id, i + 1);
      this.deps.hub.publish(task.id, { kind: 'status', task: this.shown(task, i + 1) });
    });
  }

  private start(task: TaskRecord): void {
    const runId = newRunId();
    this.deps.store.updateTask(task.id, {
      status: 'starting',
      startedAt: new Date().toISOString(),
      runId,
      outDir: path.join(resultsDir(this.deps.dataDir, task.id), runId),
    });
    this.publishStatus(task.id);
    const controller = new AbortController();
    const run: Running = { controller, cancelled: false, done: Promise.resolve() };
    this.running.set(task.id, run);
    const started = this.deps.store.task(task.id) as TaskRecord;
    run.done = this.execute(started, runId, controller.signal, (e) => this.onRunEvent(task.id, e))
      .catch((e): TaskEnd => ({
        status: 'failed',
        stages: this.deps.store.task(task.id)?.stages ?? {},
        error: { code: 'INTERNAL', message: errorMessage(e) },
      }))
      .then(async (end) => {
        this.running.delete(task.id);
        if (end.status === 'cancelled' && !run.cancelled) end.status = 'failed';
        this.end(task.id, end);
        this.pump();
        await this.measure(task.id);
      });
  }

  /** Records how much the task keeps on the server (--max-stored counts it against its owner). */
  private async measure(id: string): Promise<void> {
    try {
      this.deps.store.setResultsBytes(id, await folderBytes(resultsDir(this.deps.dataDir, id)));
    } catch (e) {
      this.deps.logger.warn(`could not measure the results of task ${id}: ${errorMessage(e)}`);
    }
  }

  private onRunEvent(id: string, event: RunEvent): void {
    const { store, hub } = this.deps;
    hub.publish(id, { kind: 'run', event });
    if (event.type === 'stage' && event.phase === 'start') {
      const status = STATUS_OF_STAGE[event.stage];
      if (status && store.task(id)?.status !== status) {
        store.updateTask(id, { status });
        this.publishStatus(id);
      }
    } else if (event.type === 'stage' && event.ms !== undefined) {
      const stages = store.task(id)?.stages ?? {};
      stages[event.stage] = (stages[event.stage] ?? 0) + event.ms;
      store.updateTask(id, { stages });
    } else if (event.type === 'live') {
      this.live.add(id);
      // The page shows a task's progress under its status (no script: it reloads itself while busy).
      store.updateTask(id, { progress: liveLine(event.snapshot) });
    } else if (event.type === 'progress' && !this.live.has(id)) {
      store.updateTask(id, { progress: event.message });
    } else if (event.type === 'auto-stop') {
      // Shown on the page and in the task's answer while the run still collects.
      store.updateTask(id, { autoStop: { criterion: event.criterion, message: event.message } });
    } else if (event.type === 'verdict') {
      store.updateTask(id, { verdict: event.verdict });
    }
  }

  private end(id: string, end: TaskEnd): void {
    this.told.delete(id);
    this.live.delete(id);
    this.deps.store.updateTask(id, { ...end, finishedAt: new Date().toISOString() });
    const task = this.view(this.deps.store.task(id) as TaskRecord);
    this.deps.hub.publish(id, { kind: 'end', task });
    this.deps.logger.info(
      `task ${id} ${task.status}${task.error ? `: [${task.error.code}] ${task.error.message.split('\n')[0]}` : ''}`,
    );
  }

  private publishStatus(id: string): void {
    const task = this.deps.store.task(id);
    if (task && ACTIVE.has(task.status))
      this.deps.hub.publish(id, { kind: 'status', task: this.shown(task, 0) });
  }

  view(task: TaskRecord): TaskView {
    return this.shown(task, task.status === 'queued' ? this.position(task.id) : 0);
  }

  /** What the API shows of a task: not the server's own paths, and secrets in environments masked. */
  private shown(task: TaskRecord, position: number): TaskView {
    const { outDir: _serverPath, ...rest } = task;
    return { ...rest, payload: shownPayload(task.payload), position };
  }

  get activeCount(): number {
    return this.running.size;
  }
}

function restarted(task: TaskRecord): TaskEnd {
  return {
    status: 'failed',
    stages: task.stages,
    outDir: task.outDir,
    error: {
      code: 'SERVER_RESTARTED',
      message:
        `The server stopped while this task was ${task.status}; ` +
        `its objects on the swarm (run ${task.runId ?? 'not started'}) are removed as the server comes back. Submit it again.`,
    },
  };
}
