import { errorMessage } from '../errors.js';
import { AutoStopEvaluator, type AutoStopTrigger } from '../results/auto-stop.js';
import type { LiveSnapshot } from '../results/live-types.js';
import type { RunContext } from './context.js';
import type { RunListener } from './events.js';
import { stopGracefully } from './graceful-stop.js';
import type { RunReport } from './report.js';

/**
 * Auto-stop during a run (docs/auto-stop.md): every live snapshot is judged; once a criterion has held for its
 * window, the plan's JMeter is told to end the test gracefully (graceful-stop.ts) — not an abort: the plan
 * ends as it would at its end, its samples are collected and analysed, no later plan starts, and the run
 * exits 3 with the trigger in every report (analyse.ts, outcome.ts).
 */
export class AutoStopper {
  private readonly judge: AutoStopEvaluator;
  private ctx?: RunContext;
  private report?: RunReport;

  constructor(criteria: ConstructorParameters<typeof AutoStopEvaluator>[0]) {
    this.judge = new AutoStopEvaluator(criteria);
  }

  /** The run as far as it is built: stops can happen once there is a plan running in it. */
  attach(report: RunReport, ctx?: RunContext): void {
    this.report = report;
    this.ctx = ctx;
  }

  /** The run's listener, judging its live snapshots on the way. */
  listener(next: RunListener): RunListener {
    return (event) => {
      next(event);
      if (event.type === 'live') this.snapshot(event.snapshot);
    };
  }

  /** Whether the run was stopped: no later plan starts. */
  get stopped(): AutoStopTrigger | undefined {
    return this.report?.autoStop;
  }

  private snapshot(s: LiveSnapshot): void {
    const ctx = this.ctx;
    // Only while a plan's test runs: the last snapshot of a plan that ended by itself stops nothing.
    if (!ctx?.stopTarget || !this.report || this.report.autoStop) return;
    const trigger = this.judge.feed(s);
    if (!trigger) return;
    this.report.autoStop = trigger;
    ctx.autoStop = trigger;
    const { plan, criterion, message, elapsedMs } = trigger;
    if (ctx.logger.autoStop) ctx.logger.autoStop({ plan, criterion, message, elapsedMs });
    else ctx.logger.warn(`auto-stop: ${message}`);
    stopGracefully(ctx, ctx.stopTarget).catch((e: unknown) =>
      ctx.logger.warn(`auto-stop could not ask JMeter to end the test: ${errorMessage(e)}`),
    );
  }
}
