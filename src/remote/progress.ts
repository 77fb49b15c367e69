import path from 'node:path';
import type { RunEvent, RunListener } from '../core/events.js';
import type { Logger } from '../util/log.js';
import type { RemoteTask, TaskEvent } from './follow.js';

/** Turns the task's events into the console's lines: queue moves, the start, and the run's own events. */
export class TaskProgress {
  /** Still waiting: position changes are worth a line (replayed history from before the answer is not). */
  private waiting: boolean;
  private position: number;
  private started = false;
  /** Any absolute path ending in the run's folder (the server's results folder), and where it is here. */
  private dirs?: { server: RegExp; local: string };

  constructor(
    private readonly id: string,
    private readonly server: string,
    private readonly outDir: string,
    private readonly logger: Logger,
    submitted: Pick<RemoteTask, 'status' | 'position'>,
  ) {
    this.waiting = submitted.status === 'queued' && submitted.position > 0;
    this.position = submitted.position;
  }

  show(e: TaskEvent, onEvent: RunListener): void {
    if (e.kind === 'run') return onEvent(this.localPaths(e.event));
    const task = e.task;
    if (task.runId && !this.dirs)
      this.dirs = { server: runFolder(task.runId), local: path.join(this.outDir, task.runId) };
    if (task.status === 'queued' && this.waiting && task.position > 0 && task.position !== this.position) {
      this.position = task.position;
      this.logger.info(`task ${this.id}: position ${task.position} in the queue of ${this.server}`);
    }
    if (task.status !== 'queued' && task.runId && !this.started) {
      this.waiting = false;
      this.started = true;
      this.logger.info(`task ${this.id} started on ${this.server} as run ${task.runId}`);
    }
  }

  /**
   * The run's log names its results folder on the server (wherever that is: the API does not say), the
   * user finds the results in the local one: <out>/<run id>, as after a local run.
   */
  private localPaths(event: RunEvent): RunEvent {
    const dirs = this.dirs;
    if (event.type !== 'log' || !dirs) return event;
    return { ...event, message: event.message.replace(dirs.server, () => dirs.local) };
  }
}

/**
 * A path whose last segment (or the one before a sub-folder) is the run id: run ids are unique. Absolute, or
 * under the name a server gives its task's results folder instead of its own path (src/server/runner.ts).
 */
function runFolder(runId: string): RegExp {
  const id = runId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:<results of task [\\w-]+>)?(?:/[^\\s/]+)*/${id}(?=[/\\s.,;:)]|$)`, 'g');
}
