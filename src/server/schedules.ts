import { Cron } from 'croner';
import { errorMessage } from '../errors.js';
import type { Logger } from '../util/log.js';
import type { ScheduleRecord, Store } from './store.js';

/** Why a cron expression cannot be used, or undefined. Minute-level: 5 fields (seconds are refused). */
export function cronProblem(expr: string): string | undefined {
  if (expr.trim().split(/\s+/).length !== 5)
    return `"${expr}" is not a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`;
  try {
    const next = new Cron(expr, { paused: true }).nextRun();
    return next ? undefined : `"${expr}" never runs`;
  } catch (e) {
    return `"${expr}" is not a cron expression: ${errorMessage(e)}`;
  }
}

/**
 * Tasks that run on a cron schedule (nightly soaks). Each due time queues a copy of the task; a busy
 * queue makes it wait its turn like any other. Times are the server's local time. A run missed while the
 * server was down is not made up: the schedule continues from its next time.
 */
export class Scheduler {
  private readonly jobs = new Map<string, Cron>();

  constructor(
    private readonly store: Store,
    private readonly due: (schedule: ScheduleRecord) => string | undefined,
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const s of this.store.schedules()) this.arm(s);
  }

  add(s: Omit<ScheduleRecord, 'nextRun'>): ScheduleRecord {
    const record: ScheduleRecord = { ...s, nextRun: next(s.cron) };
    this.store.insertSchedule(record);
    this.arm(record);
    return record;
  }

  remove(id: string): boolean {
    this.jobs.get(id)?.stop();
    this.jobs.delete(id);
    return this.store.removeSchedule(id);
  }

  stop(): void {
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
  }

  private arm(s: ScheduleRecord): void {
    const job = new Cron(s.cron, { protect: true }, () => {
      try {
        const taskId = this.due(this.store.schedule(s.id) ?? s);
        this.store.updateSchedule(s.id, next(s.cron), taskId);
        this.logger.info(`schedule ${s.id} (${s.cron}): queued task ${taskId}`);
      } catch (e) {
        this.logger.warn(`schedule ${s.id} (${s.cron}) could not queue its task: ${errorMessage(e)}`);
      }
    });
    this.jobs.set(s.id, job);
    this.store.updateSchedule(s.id, next(s.cron));
  }
}

function next(cron: string): string | undefined {
  return new Cron(cron, { paused: true }).nextRun()?.toISOString();
}
