import { throwIfAborted } from '../util/abort.js';
import type { RunReport } from './report.js';

/** Wall time per stage into report.stages, and which stage is running (for timeout messages). */
export class StageClock {
  current?: string;

  constructor(
    private readonly report: RunReport,
    private readonly signal?: AbortSignal,
  ) {}

  /** A stage of the run proper: none starts once the run is stopped (e.g. cancelled before connecting). */
  async next<T>(name: string, fn: () => Promise<T>): Promise<T> {
    throwIfAborted(this.signal);
    return this.stage(name, fn);
  }

  record(name: string, ms: number): void {
    this.report.stages[name] = (this.report.stages[name] ?? 0) + ms;
  }

  /** Times `fn` as stage `name` (also after the run was stopped: collecting, cleaning up). */
  async stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    const outer = this.current;
    this.current = name;
    try {
      return await fn();
    } finally {
      this.record(name, Date.now() - t0);
      this.current = outer;
    }
  }
}
