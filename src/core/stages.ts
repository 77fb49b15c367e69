import { type AtqError, isAtqError } from '../errors.js';
import { throwIfAborted } from '../util/abort.js';
import type { RunListener } from './events.js';
import type { RunReport } from './report.js';

/** Wall time per stage into report.stages, stage events, and which stage runs (for timeout messages). */
export class StageClock {
  current?: string;
  /** The first stage that failed: what the run was doing when it went wrong. */
  failedIn?: string;

  /**
   * `onFail` hears a stage's failure the moment it happens (RunControl.fail): the first reason wins, so a
   * --timeout or cancel coming while the run still winds down from it (salvage, an early master) cannot hide it.
   */
  constructor(
    private readonly report: Pick<RunReport, 'stages'>,
    private readonly emit: RunListener,
    private readonly onFail: (error: AtqError) => void = () => {},
  ) {}

  /** A stage of the run proper: none starts once the run is stopped (e.g. cancelled before connecting). */
  async next<T>(name: string, fn: () => Promise<T>, stopped: AbortSignal): Promise<T> {
    throwIfAborted(stopped);
    return this.stage(name, fn);
  }

  begin(name: string): void {
    this.current = name;
    this.emit({ type: 'stage', stage: name, phase: 'start' });
  }

  /**
   * The master's two stages on one timer: master-start from now until its container runs (`running()`),
   * master-run from then until `end()`. Each is recorded once, whichever way the master ends.
   */
  masterTimer(): { running(): void; end(): void } {
    const created = Date.now();
    let runningAt: number | undefined;
    this.begin('master-start');
    const end = () =>
      runningAt === undefined
        ? this.end('master-start', Date.now() - created)
        : this.end('master-run', Date.now() - runningAt);
    return {
      running: () => {
        end();
        runningAt = Date.now();
        this.begin('master-run');
      },
      end,
    };
  }

  /** Ends a stage begun with begin() (or times one measured elsewhere). */
  end(name: string, ms: number): void {
    this.report.stages[name] = (this.report.stages[name] ?? 0) + ms;
    this.emit({ type: 'stage', stage: name, phase: 'end', ms });
    if (this.current === name) this.current = undefined;
  }

  /** Times `fn` as stage `name` (also after the run was stopped: collecting, cleaning up). */
  async stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    const outer = this.current;
    this.begin(name);
    try {
      return await fn();
    } catch (e) {
      this.failedIn ??= this.current ?? name;
      if (isAtqError(e)) this.onFail(e);
      throw e;
    } finally {
      this.end(name, Date.now() - t0);
      this.current = outer;
    }
  }
}
